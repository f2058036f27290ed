"""Surveys as people use them in a real browser.

KY Connections sends its fit questionnaire three months into a mentorship. The
mentee opens the personal link from the email without signing in, answers
part, saves, comes back, finishes and sees “already answered”; the mentor
answers on a phone. The Connections Sponsor then opens the results in the
admin and finds both responses, with charts drawn by the vendored Chart.js.
Each page is saved under test-artifacts/screenshots/.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.models import Mentorship
from mentorship.tests.factories import PASSWORD, UserFactory
from programs.models import EnrollmentState, ProgramCoordinator, Role
from programs.rules import add_months
from programs.tests.factories import CohortFactory, EnrollmentFactory, seeded
from surveys.tests.helpers import ALL_APPS

from .conftest import login, shot, url

# The live server needs committed data: a transactional test. The programs and
# their surveys come from data migrations, which an earlier transactional
# test's flush may have removed, so the fixture seeds them again (idempotent);
# available_apps keeps this test's own flush from breaking a later
# serialized_rollback test (see surveys/tests/helpers.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

FIT = "Connections fit questionnaire (three months)"
SPONSOR = "sponsor.surveys@example.org"


@pytest.fixture
def fit_check_sent(live_server):
    """A KY pair three months in, and the planner run that sends them the fit questionnaire."""
    from surveys.services import survey_dispatch_due
    from surveys.tests.helpers import ensure_seeded

    ensure_seeded()
    today = timezone.localdate()
    program = seeded("ky-connections")
    cohort = CohortFactory(program=program, name="Survey year", starts_on=add_months(today, -4), ends_on=add_months(today, 9))
    mentor = UserFactory(email="mira.mentor@example.org", first_name="Mira", last_name="Mentor")
    mentee = UserFactory(email="theo.mentee@example.org", first_name="Theo", last_name="Mentee")
    for user, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE)):
        EnrollmentFactory(user=user, cohort=cohort, role=role, state=EnrollmentState.APPROVED)
    Mentorship.objects.create(
        program=program, cohort=cohort, mentor=mentor, mentee=mentee, mentor_slot=1, mentee_slot=1,
        started_on=add_months(today, -3),
    )
    sponsor = UserFactory(email=SPONSOR, first_name="Sam", last_name="Sponsor", is_staff=True)
    ProgramCoordinator.objects.create(program=program, user=sponsor)

    result = survey_dispatch_due(today=today)
    assert result.sent == 2

    def link_for(email: str) -> str:
        (message,) = [m for m in mail.outbox if m.to == [email] and FIT in m.subject]
        return re.search(r"https?://\S+/surveys/r/\S+/", message.body).group(0)

    return {"mentee_link": link_for(mentee.email), "mentor_link": link_for(mentor.email)}


def local(live_server, link: str) -> str:
    """The emailed link points at SITE_URL; the test opens the same path on the live server."""
    return url(live_server, re.sub(r"^https?://[^/]+", "", link))


def question(page, text: str):
    return page.locator("fieldset", has=page.get_by_text(text, exact=False))


def assert_fits_a_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"


def test_participant_answers_saves_finishes_and_the_sponsor_sees_a_chart(
    browser, page, mobile_page, live_server, fit_check_sent
):
    # The mentee, not signed in, opens the link from the email.
    page.goto(local(live_server, fit_check_sent["mentee_link"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(FIT)
    expect(page.get_by_text("About your mentorship with")).to_contain_text("Mira Mentor")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    shot(page, "survey-01-mentee-opens-link")

    # Part of it now, the rest later.
    page.get_by_label("Partly — some adjustments would help").check()
    question(page, "How convenient is it").get_by_text("4", exact=True).click()
    page.get_by_label("What adjustments, if any, would help").fill("Meeting near the Capitol Annex would help.")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("alert")).to_contain_text("Your answers are saved")
    expect(page.get_by_text(re.compile(r"Draft saved"))).to_be_visible()
    shot(page, "survey-02-draft-saved")

    # Coming back with the same link: the draft is there.
    page.goto(local(live_server, fit_check_sent["mentee_link"]))
    expect(page.get_by_label("Partly — some adjustments would help")).to_be_checked()
    expect(question(page, "How convenient is it").locator("input[value='4']")).to_be_checked()
    expect(page.get_by_label("What adjustments, if any, would help")).to_have_value("Meeting near the Capitol Annex would help.")

    # Submitting with required answers missing says which.
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Some answers need your attention")
    expect(question(page, "Have you connected for at least one hour").get_by_text("Please answer this question.")).to_be_visible()
    shot(page, "survey-03-missing-answers")

    page.get_by_label("Most months").check()
    question(page, "How well does your pairing fit").get_by_text("3", exact=True).click()
    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("alert").first).to_contain_text("Thank you")
    expect(page.get_by_text("Already answered.")).to_be_visible()
    shot(page, "survey-04-submitted")

    # The link is single-use: it now only says so.
    page.goto(local(live_server, fit_check_sent["mentee_link"]))
    expect(page.get_by_text("Already answered.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    expect(page.get_by_text("Capitol Annex")).to_have_count(0)

    # A tampered link is not found.
    response = page.goto(local(live_server, fit_check_sent["mentee_link"][:-3] + "x/"))
    assert response.status == 404

    # The mentor answers on a phone, and says the match is not working.
    phone = mobile_page
    phone.goto(local(live_server, fit_check_sent["mentor_link"]))
    expect(phone.get_by_role("heading", level=1)).to_have_text(FIT)
    expect(phone.get_by_text("Capitol Annex")).to_have_count(0)  # never the partner's answers
    assert_fits_a_phone(phone)
    shot(phone, "survey-05-mentor-on-phone")
    phone.get_by_label("No, it is not working").check()
    phone.get_by_label("Yes, every month").check()
    question(phone, "How convenient is it").get_by_text("2", exact=True).click()
    question(phone, "How well does your pairing fit").get_by_text("2", exact=True).click()
    phone.get_by_label("Not started").check()
    phone.get_by_role("button", name="Submit answers").click()
    expect(phone.get_by_text("Already answered.")).to_be_visible()
    assert_fits_a_phone(phone)
    shot(phone, "survey-06-mentor-submitted-phone")

    # The sponsor signs in and reads the results in the admin.
    from mentorship.models import Notification

    assert Notification.objects.filter(user__email=SPONSOR, subject__contains="needs your attention").count() == 1
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sponsor = context.new_page()
    try:
        login(sponsor, live_server, SPONSOR, PASSWORD)
        sponsor.goto(url(live_server, "/admin/surveys/survey/"))
        row = sponsor.locator("#result_list tbody tr", has_text=FIT)
        expect(row).to_contain_text("2 of 2 (100%)")
        shot(sponsor, "survey-07-admin-surveys")
        row.get_by_role("link", name="Results").click()
        expect(sponsor).to_have_url(re.compile(r"/admin/surveys/survey/\d+/results/$"))
        expect(sponsor.locator("#stat-answered")).to_have_text("2")
        expect(sponsor.locator("#stat-rate")).to_have_text("100%")
        fit_block = sponsor.locator(".question", has_text="Is your mentoring match a good fit?")
        expect(fit_block.locator("canvas")).to_have_attribute("data-rendered", "true")
        expect(fit_block.locator("table.counts")).to_contain_text("Partly — some adjustments would help")
        expect(fit_block).to_contain_text("Mira Mentor")  # the answer that alerted, with the name: not anonymous
        expect(sponsor.get_by_text("Meeting near the Capitol Annex would help.")).to_be_visible()
        convenient = sponsor.locator(".question", has_text="How convenient is it")
        expect(convenient.locator(".average")).to_have_text("3.00")
        # A drawn chart has pixels: the canvas is not blank.
        drawn = fit_block.locator("canvas").evaluate(
            "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0)"
        )
        assert drawn
        shot(sponsor, "survey-08-results")

        # The template itself: questions, the alerting answer, and when it goes out.
        sponsor.get_by_role("link", name=FIT, exact=True).click()
        expect(sponsor.locator(".field-when_sent")).to_contain_text("3 months after each mentorship starts.")
        expect(sponsor.locator("textarea[name$='-alert_on']").first).to_have_value("No, it is not working")
        shot(sponsor, "survey-10-admin-survey-template")
    finally:
        context.close()

    # The results on a phone, too.
    phone_sponsor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        small = phone_sponsor.new_page()
        login(small, live_server, SPONSOR, PASSWORD)
        small.goto(url(live_server, "/admin/surveys/survey/"))
        small.locator("#result_list tbody tr", has_text=FIT).get_by_role("link", name="Results").click()
        expect(small.locator("canvas").first).to_have_attribute("data-rendered", "true")
        assert_fits_a_phone(small)
        shot(small, "survey-09-results-phone")
    finally:
        phone_sponsor.close()
