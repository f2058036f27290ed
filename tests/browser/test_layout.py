"""The layout holds at a desk (1280 px) and on a phone (390 px): the navigation
stays on one line with a long email address, the KY sponsor's enrolment list
fits the screen and cuts answers between words, and a program's "- " lines are
lists. Screenshots go to test-artifacts/screenshots/layout-*.png.
"""

import pytest
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD

from .conftest import MOBILE_VIEWPORT, login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 800}
LONG_EMAIL = "alexandra.konstantinopoulou-whitfield@operations.hhs.example.gov"


def no_sideways_scroll(page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page is {width} px wide in a {inner} px window"


def at_both_widths(page, name: str, check) -> None:
    """Run `check` and take a screenshot at 1280 px, then at 390 px."""
    for viewport, label in ((DESKTOP, "1280"), (MOBILE_VIEWPORT, "390")):
        page.set_viewport_size(viewport)
        page.reload()
        check(label)
        shot(page, f"layout-{name}-{label}")


def test_the_navigation_stays_on_one_line_with_a_long_email(page, live_server, demo_data):
    """A mentee who also coordinates (every link the bar has) and signs in with a long address."""
    from allauth.account.models import EmailAddress

    from mentorship.models import User
    from programs.models import Program, ProgramCoordinator

    person = User.objects.get(email="mentee1.hhs@example.org")
    EmailAddress.objects.filter(user=person).update(email=LONG_EMAIL)
    person.email, person.is_staff = LONG_EMAIL, True
    person.save(update_fields=["email", "is_staff"])
    ProgramCoordinator.objects.create(user=person, program=Program.objects.get(slug="hhs"))

    login(page, live_server, LONG_EMAIL, DEMO_PASSWORD)
    page.goto(url(live_server, "/"))
    nav = page.locator("nav.navbar")

    def check(width):
        no_sideways_scroll(page)
        # One line: the bar is as tall as its brand row (56 px), not two rows of links.
        assert nav.bounding_box()["height"] <= 60, nav.bounding_box()
        if width == "1280":
            expect(nav.get_by_role("link", name="Coordinate")).to_be_visible()
            email = nav.locator(".nav-email")
            expect(email).to_be_visible()
            expect(email).to_have_attribute("title", LONG_EMAIL)
            # Cut with an ellipsis: the text is wider than the space it is given.
            assert email.evaluate("e => e.scrollWidth > e.clientWidth")
            tops = {round(box["y"]) for box in (link.bounding_box() for link in nav.locator(".nav-link").all()) if box}
            assert len(tops) == 1, f"the links sit on {len(tops)} lines"
        else:
            expect(page.get_by_role("button", name="Toggle navigation")).to_be_visible()

    at_both_widths(page, "nav-long-email", check)


def test_the_ky_sponsors_enrolment_list_fits_and_cuts_answers_between_words(page, live_server, demo_data):
    from programs.models import Enrollment, EnrollmentState

    application = Enrollment.objects.filter(
        user__email="applicant1.ky@example.org", state=EnrollmentState.APPLIED
    ).get()
    application.needs = (
        "Guidance on moving from a generalist HR role into classification and compensation, "
        "including the state merit system rules"
    )
    application.challenges = "Newly promoted to supervise a team of six, two of whom applied for the same position"
    application.save(update_fields=["needs", "challenges"])

    login(page, live_server, "coordinator.ky@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/admin/programs/enrollment/?state__exact=applied"))
    answers = page.locator("#result_list td.field-answers").filter(has_text="generalist")

    def check(width):
        no_sideways_scroll(page)
        results = page.locator("#changelist .results")
        scroll, client = results.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client, f"the list scrolls sideways ({scroll} px in {client} px)"
        for column in ("Unit", "Location", "Applied at"):
            if width == "1280":
                header = page.locator("#result_list thead th").filter(has_text=column)
                box, frame = header.bounding_box(), results.bounding_box()
                assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, f"{column} is off the screen"
        text = answers.inner_text()
        assert "Guidance on moving from a generalist HR role…" in text  # eight words, then the ellipsis
        assert "Newly promoted to supervise a team of six,…" in text
        assert "the state merit system rules" in answers.locator("span").get_attribute("title")  # whole on hover

    at_both_widths(page, "ky-enrolments", check)


def test_program_guidelines_written_as_dash_lines_are_lists(page, live_server, demo_data):
    login(page, live_server, "mentee1.aahpm@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/programs/aahpm/"))
    guidelines = page.locator("section").filter(has=page.get_by_role("heading", name="Guidelines"))

    def check(width):
        no_sideways_scroll(page)
        expect(guidelines.locator("p").first).to_contain_text("Mentees will be required to develop")
        expect(guidelines.locator("ul > li")).to_have_count(7)
        expect(guidelines.locator("ul > li").last).to_have_text("Mentees may only have one mentor at a time.")
        assert "- Mentors" not in guidelines.inner_text()
        mentor_role = page.locator("section").filter(has=page.get_by_role("heading", name="The mentor's role"))
        expect(mentor_role.locator("li")).to_have_count(7)

    at_both_widths(page, "aahpm-guidelines", check)
