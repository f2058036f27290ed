"""An AAHPM mentorship after the pair forms, in a real browser.

A pair that started 40 days ago without the discovery call is at risk. The
mentee logs the discovery call (the label turns to on track), adds two goals to
the Mentoring Worksheet and shares it (AAHPM: only after the discovery call),
writes the mentoring agreement and signs it; the mentor, on a phone, reads the
shared worksheet and signs too. Every page is saved under
test-artifacts/screenshots/ and no page is wider than the phone's screen.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-passw0rd"
MENTEE = "sam.patel@example.org"
MENTOR = "avery.lee@example.org"


@pytest.fixture
def pair(transactional_db):
    from mentorship.tests.builders import pair_in
    from mentorship.tests.factories import UserFactory
    from programs.tests.factories import CohortFactory, seeded

    today = timezone.localdate()
    cohort = CohortFactory(
        program=seeded("aahpm"),
        name="Journey cohort",
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today + datetime.timedelta(days=300),
    )
    mentor = UserFactory(email=MENTOR, first_name="Avery", last_name="Lee", password=PASSWORD)
    mentee = UserFactory(email=MENTEE, first_name="Sam", last_name="Patel", password=PASSWORD)
    return pair_in(cohort, today - datetime.timedelta(days=40), mentor=mentor, mentee=mentee)


def fits_the_screen(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


def test_a_pair_logs_the_discovery_call_shares_goals_and_signs_the_agreement(page, mobile_page, live_server, pair):
    from mentorship.models import Agreement, Goal, Meeting

    # The mentee, at a desk: 40 days in and no discovery call yet.
    login(page, live_server, MENTEE, PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    mentorship_row = page.locator("li.list-group-item", has_text="Mentored by Avery Lee")
    expect(mentorship_row.locator(".badge-health-at_risk")).to_have_text("At risk")
    due = page.get_by_role("link", name="AAHPM: hold the discovery call")
    expect(due).to_be_visible()
    shot(page, "mentorship-01-mentee-dashboard-at-risk")

    due.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule or log a meeting")
    expect(page.locator("#id_kind")).to_have_value("discovery")
    expect(page.get_by_label("has happened — log it")).to_be_checked()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.fill("#id_starts_at", f"{yesterday:%Y-%m-%d}T10:00")
    page.fill("#id_duration_minutes", "60")
    page.select_option("#id_mode", "phone")
    page.fill("#id_shared_notes", "Agreed to work on board preparation; six months.")
    page.fill("#id_private_note", "Ask about the fellowship interview next time.")
    shot(page, "mentorship-02-log-discovery-call")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("alert").first).to_contain_text("Discovery call logged: 60 minutes.")
    expect(page.get_by_text("Ask about the fellowship interview next time.")).to_be_visible()
    shot(page, "mentorship-03-meeting-detail")

    page.get_by_role("link", name="Avery Lee & Sam Patel").click()
    expect(page.locator("h1 + div, h1").first).to_be_visible()
    expect(page.locator(".badge-health-on_track.fs-6")).to_have_text("On track")
    expect(page.locator("#meetings")).to_contain_text("Discovery call")
    shot(page, "mentorship-04-mentorship-on-track")

    # The Mentoring Worksheet: two goals, then shared with the mentor.
    page.get_by_role("link", name="Open your Mentoring Worksheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring Worksheet")
    for title, target in (("Prepare for the boards", "2026-09-30"), ("Lead a family meeting on goals of care", "")):
        page.fill("#id_title", title)
        if target:
            page.fill("#id_target_date", target)
        page.get_by_role("button", name="Add goal").click()
        expect(page.get_by_role("alert").first).to_contain_text("Goal added.")
    expect(page.locator("article.goal")).to_have_count(2)
    page.get_by_role("button", name="Share with Avery Lee").click()
    expect(page.get_by_role("alert").first).to_contain_text("Your Mentoring Worksheet is shared with Avery Lee.")
    shot(page, "mentorship-05-worksheet-shared")

    # The agreement: the draft from AAHPM's rules, saved and signed.
    page.goto(url(live_server, pair.get_absolute_url()))
    page.get_by_role("link", name="Write the agreement").click()
    expect(page.locator("#id_duration_and_evaluation")).not_to_be_empty()
    page.fill("#id_contact_between_meetings", "Email between calls; anything in depth waits for the call.")
    page.get_by_role("button", name="Save the terms").click()
    expect(page.get_by_role("alert").first).to_contain_text("The agreement is saved.")
    page.fill("#id_typed_name", "Sam Patel")
    page.get_by_label("I have read these terms and agree to them.").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("Signed. Avery Lee has been asked to sign too.")
    shot(page, "mentorship-06-agreement-signed-by-mentee")

    # The mentor, on a phone.
    phone = mobile_page
    login(phone, live_server, MENTOR, PASSWORD)
    expect(phone.locator("li.list-group-item", has_text="Mentoring Sam Patel").locator(".badge-health-on_track")).to_have_text(
        "On track"
    )
    fits_the_screen(phone, 390)
    shot(phone, "mentorship-07-mentor-phone-dashboard")

    phone.goto(url(live_server, pair.get_absolute_url()))
    expect(phone.locator(".badge-health-on_track.fs-6")).to_have_text("On track")
    fits_the_screen(phone, 390)
    shot(phone, "mentorship-08-mentor-phone-mentorship")

    phone.get_by_role("link", name="Read the Mentoring Worksheet").click()
    expect(phone.locator("article.goal")).to_have_count(2)
    expect(phone.get_by_text("Prepare for the boards")).to_be_visible()
    fits_the_screen(phone, 390)
    shot(phone, "mentorship-09-mentor-phone-worksheet")

    phone.goto(url(live_server, f"/mentorships/{pair.pk}/agreement/"))
    expect(phone.get_by_text("Waiting for a signature")).to_be_visible()
    phone.fill("#id_typed_name", "Avery Lee")
    phone.get_by_label("I have read these terms and agree to them.").check()
    phone.get_by_role("button", name="Sign", exact=True).click()
    expect(phone.get_by_role("alert").first).to_contain_text("Signed by both of you")
    expect(phone.get_by_text("Signed by both", exact=True)).to_be_visible()
    fits_the_screen(phone, 390)
    shot(phone, "mentorship-10-mentor-phone-agreement-signed")

    phone.get_by_role("link", name="Printable version").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mentoring Agreement")
    fits_the_screen(phone, 390)
    shot(phone, "mentorship-11-mentor-phone-agreement-print")

    phone.goto(url(live_server, f"/mentorships/{pair.pk}/meetings/"))
    expect(phone.locator("table.meetings tbody tr")).to_have_count(1)
    fits_the_screen(phone, 390)
    shot(phone, "mentorship-12-mentor-phone-meetings")

    # Back at the desk, the printable agreement as it would go on paper.
    page.goto(url(live_server, f"/mentorships/{pair.pk}/agreement/print/"))
    page.emulate_media(media="print")
    shot(page, "mentorship-13-agreement-print-media")
    page.emulate_media(media="screen")

    # A call cancelled at short notice: AAHPM asks for 48 hours and a new time ASAP.
    from mentorship.tests.builders import met

    soon = met(pair, timezone.now() + datetime.timedelta(hours=20), 45, status="scheduled")
    page.goto(url(live_server, f"/meetings/{soon.pk}/"))
    page.locator("summary", has_text="Cancel the meeting").click()
    page.fill("#id_reason", "Called in for a night shift.")
    page.get_by_role("button", name="Cancel the meeting", exact=True).click()
    expect(page.locator(".alert.short-notice")).to_contain_text("AAHPM asks for 48 hours' notice; this was 20 hours.")
    expect(page.get_by_role("link", name="Schedule it again")).to_be_visible()
    shot(page, "mentorship-14-short-notice-cancellation")
    page.goto(url(live_server, pair.get_absolute_url()))
    expect(page.locator("#meetings")).to_contain_text("was cancelled at short notice")
    shot(page, "mentorship-15-mentorship-asks-to-reschedule")

    # The AAHPM staff in the admin: health per pair, meetings with durations, never notes.
    from mentorship.tests.builders import coordinator_of
    from mentorship.tests.factories import UserFactory

    coordinator_of(pair.program, UserFactory(email="staff@aahpm.example.org", is_staff=True, password=PASSWORD))
    context = page.context.browser.new_context(viewport={"width": 1280, "height": 800})
    staff = context.new_page()
    try:
        login(staff, live_server, "staff@aahpm.example.org", PASSWORD)
        staff.goto(url(live_server, "/admin/mentorship/mentorship/?health=on_track"))
        expect(staff.locator("#result_list tbody tr")).to_have_count(1)
        expect(staff.locator("#result_list")).to_contain_text("On track")
        shot(staff, "mentorship-16-admin-mentorships-health")
        staff.goto(url(live_server, f"/admin/mentorship/mentorship/{pair.pk}/change/"))
        expect(staff.locator("body")).to_contain_text("1 meeting held, 60 minutes")
        expect(staff.locator("body")).not_to_contain_text("board preparation")
        expect(staff.locator("body")).not_to_contain_text("Prepare for the boards")
        shot(staff, "mentorship-17-admin-mentorship")
    finally:
        context.close()

    meeting = Meeting.objects.get(mentorship=pair, kind="discovery")
    assert (meeting.kind, meeting.status, meeting.duration_minutes) == ("discovery", "held", 60)
    assert Goal.objects.filter(mentorship=pair).count() == 2
    pair.refresh_from_db()
    assert pair.goals_shared_at is not None
    agreement = Agreement.objects.get(mentorship=pair)
    assert (agreement.mentee_signed_name, agreement.mentor_signed_name) == ("Sam Patel", "Avery Lee")
