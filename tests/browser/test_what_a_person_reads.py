"""What a person reads and sees, on the living demo, at a desk and on a phone:
a full mentor's Accept disabled with the reason in their words, one due item
per pair for a person in two HHS pairs, an end form that chooses nothing for
them, a meeting's length refused in words, and the profile's errors said at
the top with links to the fields. Screenshots go to
test-artifacts/screenshots/reads-*.png.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD

from .conftest import MOBILE_VIEWPORT, login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def living_demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", quiet=True)


def both_widths(page, name: str) -> None:
    """A screenshot at 1280 px and one at 390 px of the page as it is."""
    shot(page, f"reads-{name}-1280")
    page.set_viewport_size(MOBILE_VIEWPORT)
    shot(page, f"reads-{name}-390")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_full_aahpm_mentor_reads_why_accept_is_disabled(page, live_server, living_demo):
    from mentorship.models import Invitation, User
    from programs.models import Program
    from programs.selectors import current_enrollment

    # Invited while a place was free; both places taken before answering.
    program = Program.objects.get(slug="aahpm")
    mentor = User.objects.get(email="mentor1.aahpm@example.org")
    mentee = User.objects.get(email="mentee4.aahpm@example.org")
    now = timezone.now()
    invitation = Invitation.objects.create(
        program=program,
        cohort=current_enrollment(user=mentee, program=program).cohort,
        mentee=mentee,
        mentor=mentor,
        message="Could you help me prepare for my first leadership role?",
        created_at=now,
        expires_at=now + datetime.timedelta(days=program.invitation_expiry_days),
    )

    login(page, live_server, mentor.email, DEMO_PASSWORD)
    page.goto(url(live_server, invitation.get_absolute_url()))
    expect(page.get_by_text("You have 0 of 2 places free in AAHPM.")).to_be_visible()
    accept = page.get_by_role("button", name="Accept")
    expect(accept).to_be_disabled()
    expect(accept).to_have_accessible_description(re.compile(r"^You already mentor 2 people, the most AAHPM allows"))
    expect(page.locator("#accept-refusal")).to_be_visible()
    expect(page.get_by_text(f"{mentor.display_name} already mentors")).to_have_count(0)
    both_widths(page, "full-mentor-invitation")


def test_a_person_in_two_hhs_pairs_reads_each_due_item_once(page, live_server, living_demo):
    login(page, live_server, "mentor4.hhs@example.org", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    due = page.locator("section", has_text="Due next").get_by_role("link")
    texts = due.all_inner_texts()
    assert texts and len(texts) == len(set(texts)), texts
    assert any(" with " in text or re.search(r": meet \w", text) for text in texts), texts
    both_widths(page, "dual-role-dashboard")


def test_ending_asks_which_ending_it_is(page, live_server, living_demo):
    login(page, live_server, "mentee1.hhs@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile(r"^Mentored by ")).first.click()
    end = page.locator("#end")
    expect(end.get_by_label("We completed the mentorship")).not_to_be_checked()
    expect(end.get_by_label("End it early")).not_to_be_checked()
    end.get_by_label("Reason").fill("We have both moved on.")
    end.get_by_role("button", name="End mentorship").click()
    expect(page.locator("#end")).to_contain_text("Choose whether you completed the mentorship or are ending it early.")
    expect(page.locator("#end").get_by_label("Reason")).to_have_value("We have both moved on.")
    page.locator("#end").scroll_into_view_if_needed()
    both_widths(page, "end-form-asks")


def test_a_meeting_longer_than_a_day_is_refused_in_words(page, live_server, living_demo):
    login(page, live_server, "mentee1.aahpm@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile(r"^Mentored by ")).first.click()
    page.goto(page.url + "meetings/new/")
    page.get_by_label("has happened — log it").check()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Date and time").fill(yesterday.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Duration (minutes)").fill("1441")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("A meeting lasts at most 24 hours (1,440 minutes).")).to_be_visible()
    expect(page.get_by_text("less than or equal")).to_have_count(0)
    both_widths(page, "meeting-too-long")


def test_the_profile_says_its_errors_at_the_top_with_links(page, live_server, living_demo):
    login(page, live_server, "mentee1.aahpm@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/profile/"))
    # AAHPM has no word of its own for the unit: no HHS wording.
    expect(page.get_by_text("OPDIV")).to_have_count(0)
    # The empty job-history row marks nothing required.
    expect(page.locator("fieldset", has_text="Job history").locator(".asteriskField")).to_have_count(0)
    both_widths(page, "profile-aahpm")

    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Save profile").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Your profile was not saved")
    both_widths(page, "profile-error-summary")
    summary.get_by_role("link", name="First name: This field is required.").click()
    expect(page).to_have_url(re.compile(r"#id_first_name$"))
    expect(page.locator("#id_first_name")).to_be_in_viewport()


def test_an_hhs_participant_reads_opdiv(page, live_server, living_demo):
    login(page, live_server, "mentee1.hhs@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/profile/"))
    expect(page.get_by_label("OPDIV")).to_be_visible()
    expect(page.get_by_text("HHS: the OPDIV you work in.")).to_be_visible()
    page.get_by_label("OPDIV").scroll_into_view_if_needed()
    shot(page, "reads-profile-hhs-1280")
