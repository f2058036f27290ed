"""The coordinators' admin as a KY Connections sponsor uses it in a real browser.

The sponsor signs in, reads the KY card on the admin home (figures and
Chart.js charts), follows "Overdue" to the filtered mentorship list, decides
the two waiting applications in bulk, exports contact hours as CSV (a real
download), and reads the program's recent changes, where the approvals appear
with their name. A KY mentee then answers an event on /events/ and downloads
its calendar file. Each page is saved under test-artifacts/screenshots/.
"""

import csv
import datetime
import io
import re

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from mentorship.models import MeetingMode, User
from mentorship.tests.builders import met, pair_in
from programs.models import Enrollment, EnrollmentState, EventAttendance, Role
from programs.tests.factories import seeded

from .conftest import login, shot, url

# serialized_rollback: the programs and their events come from data migrations,
# and a transactional test flushes the database afterwards; this restores them first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SPONSOR = "coordinator.ky@example.org"
MENTEE = "mentee4.ky@example.org"


def _met(mentorship, days_ago: int, minutes: int = 60) -> None:
    met(mentorship, timezone.now() - datetime.timedelta(days=days_ago), minutes, mode=MeetingMode.IN_PERSON)


@pytest.fixture
def ky_pairs(demo_data):
    """Three of the demo KY pairs: one on track, one overdue, one at risk (relative to today)."""
    today = timezone.localdate()
    mentors = [User.objects.get(email=f"mentor{n}.ky@example.org") for n in (1, 2, 3)]
    mentees = [User.objects.get(email=f"mentee{n}.ky@example.org") for n in (1, 2, 3)]
    cohort = Enrollment.objects.get(user=mentees[0], role=Role.MENTEE).cohort
    made = {}
    for name, mentor, mentee, days in zip(("on track", "overdue", "at risk"), mentors, mentees, (10, 100, 120)):
        made[name] = pair_in(cohort, today - datetime.timedelta(days=days), mentor=mentor, mentee=mentee)
    _met(made["on track"], 3, 75)
    for days_ago in (95, 65, 38):  # last contact over a month ago, not two
        _met(made["overdue"], days_ago)
    return made


def test_a_sponsor_follows_overdue_approves_applications_and_exports_contact_hours(page, live_server, ky_pairs):
    ky = seeded("ky-connections")
    login(page, live_server, SPONSOR, DEMO_PASSWORD)
    page.goto(url(live_server, "/admin/"))

    card = page.locator(f"#program-{ky.pk}")
    expect(card.get_by_role("heading", name=ky.name)).to_be_visible()
    expect(card.get_by_role("link", name="Overdue: 1")).to_be_visible()
    expect(card.get_by_role("link", name="At risk: 1")).to_be_visible()
    expect(card.get_by_role("link", name="Applications to decide: 2")).to_be_visible()
    expect(card.locator(f"#chart-health-{ky.pk}")).to_have_attribute("data-rendered", "true")
    expect(card.locator(f"#chart-hours-{ky.pk}")).to_have_attribute("data-rendered", "true")
    # A sponsor runs one program: no other program's card.
    expect(page.locator(".program-card")).to_have_count(1)
    shot(page, "coordinator-01-dashboard")

    card.get_by_role("link", name="Overdue: 1").click()
    expect(page).to_have_url(re.compile(r"/admin/mentorship/mentorship/\?.*health=overdue"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(str(ky_pairs["overdue"].mentee))
    expect(rows.first.locator(".health-overdue")).to_be_visible()
    shot(page, "coordinator-02-overdue-list")

    page.goto(url(live_server, "/admin/"))
    page.locator(f"#program-{ky.pk}").get_by_role("link", name="Applications to decide: 2").click()
    expect(page).to_have_url(re.compile(r"/admin/programs/enrollment/\?.*state__exact=applied"))
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text("Needs: Guidance on HR career paths")
    shot(page, "coordinator-03-applications")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Approved selected enrolments")
    page.get_by_role("button", name=re.compile("^Run|^Go")).click()
    expect(page.locator(".messagelist")).to_contain_text("Approved 2 enrolment(s).")
    shot(page, "coordinator-04-approved")
    assert Enrollment.objects.filter(user__email__startswith="applicant", state=EnrollmentState.APPROVED).count() == 2

    page.goto(url(live_server, "/admin/"))
    card = page.locator(f"#program-{ky.pk}")
    expect(card.get_by_role("link", name="Applications to decide: 0")).to_be_visible()
    with page.expect_download() as download_info:
        card.get_by_role("link", name="Export contact hours (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"ky-connections-contact-hours-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert rows[0][:3] == ["Program", "Program year", "Participant"]
    overdue_mentee = next(r for r in rows[1:] if r[3] == ky_pairs["overdue"].mentee.email)
    assert overdue_mentee[7:10] == ["3", "180", "3.0"]
    assert all(r[0] == "KY Connections" for r in rows[1:])

    card.get_by_role("link", name="Recent changes").click()
    expect(page.get_by_role("heading", name="Recent changes: KY Connections")).to_be_visible()
    first = page.locator("tr.change").first
    expect(first).to_contain_text("Coordinator KY Connections")
    expect(first).to_contain_text("Applied")
    expect(first).to_contain_text("Approved")
    shot(page, "coordinator-05-recent-changes")

    page.goto(url(live_server, f"/admin/programs/enrollment/import/?program={ky.pk}"))
    expect(page.get_by_role("heading", name="Import participants")).to_be_visible()
    shot(page, "coordinator-06-import")


def test_a_mentee_answers_an_event_and_takes_it_to_the_calendar(page, live_server, demo_data):
    login(page, live_server, MENTEE, DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Events").click()
    expect(page).to_have_url(re.compile(r"/events/$"))
    expect(page.get_by_role("heading", name="Events", level=1)).to_be_visible()
    event = page.locator(".list-group-item").first
    title = event.locator("h2").inner_text()
    shot(page, "coordinator-07-events")

    event.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("alert")).to_contain_text(f"You are going to {title}")
    expect(page.locator(".list-group-item").first.get_by_role("button", name="Yes")).to_have_attribute("aria-pressed", "true")
    assert EventAttendance.objects.get(user__email=MENTEE).rsvp == "yes"
    shot(page, "coordinator-08-event-answered")

    with page.expect_download() as download_info:
        page.locator(".list-group-item").first.get_by_role("link", name="Add to calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(open(download_info.value.path(), "rb").read())
    (entry,) = calendar.walk("VEVENT")
    assert title in str(entry["summary"])


def test_a_sponsor_previews_an_import_fixes_the_file_and_imports(page, live_server, demo_data, tmp_path):
    ky = seeded("ky-connections")
    cohort = Enrollment.objects.filter(cohort__program=ky).first().cohort.name
    header = "email,first_name,last_name,role,cohort,org_unit,location,skills_offered\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header
        + f"dana.new@ky.example,Dana,New,mentor,{cohort},Personnel Cabinet,\"Frankfort, KY\",Coaching;Budgeting\n"
        + "not-an-email,Eli,Wrong,mentee,1999,,,\n"
    )
    good = tmp_path / "good.csv"
    good.write_text(
        header
        + f"dana.new@ky.example,Dana,New,mentor,{cohort},Personnel Cabinet,\"Frankfort, KY\",Coaching;Budgeting\n"
        + f"eli.new@ky.example,Eli,New,mentee,{cohort},Finance Cabinet,\"Louisville, KY\",\n"
    )
    login(page, live_server, SPONSOR, DEMO_PASSWORD)
    page.goto(url(live_server, "/admin/programs/enrollment/"))
    page.get_by_role("link", name="Import participants").click()

    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-summary")).to_contain_text("Nothing was imported: 1 problem in the file.")
    expect(page.locator(".problems")).to_contain_text("Row 2 (line 3)")
    expect(page.locator(".problems")).to_contain_text("no cohort named “1999”")
    shot(page, "coordinator-09-import-errors")
    assert not User.objects.filter(email="dana.new@ky.example").exists()

    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-summary")).to_contain_text("would create 2 accounts and 2 enrolments")
    shot(page, "coordinator-10-import-preview")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator(".messagelist")).to_contain_text("created 2 accounts and 2 enrolments")
    shot(page, "coordinator-11-imported")
    assert Enrollment.objects.filter(user__email__endswith="new@ky.example", state=EnrollmentState.APPROVED).count() == 2
