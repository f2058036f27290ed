"""An HPMSNJ pair at the end of its year, in a real browser.

Twenty days before the planned end the program asks both partners “extend or
close” (send_due, as beat would). The mentee answers on the mentorship page and
extends by the program's twelve months; the mentor is told and is asked nothing
more; the committee sees the answer in the admin. A year on, asked again, nobody
answers: fourteen days past the new end the pair ends by itself, “planned end
reached”, as both partners and the committee's admin show. Every page is saved
under test-artifacts/screenshots/.
"""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from programs.formats import date_text

from .conftest import login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-passw0rd"
MENTEE = "rosa.diaz@example.org"
MENTOR = "ken.ito@example.org"
COMMITTEE = "committee@hpmsnj.example.org"


@pytest.fixture
def pair(transactional_db):
    from mentorship.tests.builders import coordinator_of, mentee_in, mentor_in, pair
    from mentorship.tests.factories import UserFactory
    from programs.rules import add_months
    from programs.tests.factories import CohortFactory, seeded

    today = timezone.localdate()
    started = add_months(today + datetime.timedelta(days=20), -12)  # its planned end is 20 days away
    cohort = CohortFactory(
        program=seeded("hpmsnj"),
        name="Journey year",
        starts_on=started - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=900),
    )
    mentor = mentor_in(cohort, UserFactory(email=MENTOR, first_name="Ken", last_name="Ito", password=PASSWORD))
    mentee = mentee_in(cohort, UserFactory(email=MENTEE, first_name="Rosa", last_name="Diaz", password=PASSWORD))
    coordinator_of(
        cohort.program, UserFactory(email=COMMITTEE, first_name="Committee", is_staff=True, password=PASSWORD)
    )
    return pair(cohort, mentor, mentee, today=started)


def send_due(day: datetime.date) -> list:
    mail.outbox.clear()
    call_command("send_due", date=day, stdout=io.StringIO())
    return [(m.to[0], m.subject) for m in mail.outbox]


def admin_page(browser, live_server, mentorship, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = context.new_page()
    try:
        login(staff, live_server, COMMITTEE, PASSWORD)
        staff.goto(url(live_server, f"/admin/mentorship/mentorship/{mentorship.pk}/change/"))
        body = staff.locator("body").inner_text()
        shot(staff, name)
        staff.goto(url(live_server, f"/admin/mentorship/mentorship/?program__id__exact={mentorship.program_id}"))
        changelist = staff.locator("#result_list").inner_text()
        shot(staff, name + "-list")
        return body, changelist
    finally:
        context.close()


def test_an_hpmsnj_pair_is_asked_extends_and_later_ends(page, mobile_page, live_server, pair):
    from mentorship.models import Mentorship, MentorshipState

    browser = page.context.browser
    planned = pair.planned_end_on
    today = timezone.localdate()

    # The day's run asks both partners.
    sent = send_due(today)
    assert sorted(to for to, subject in sent if "Extend or close" in subject) == sorted([MENTEE, MENTOR])

    # The mentee, at a desk: the dashboard says what is due, the page asks.
    login(page, live_server, MENTEE, PASSWORD)
    due = page.get_by_role(
        "link", name=f"Extend or close your mentorship with Ken Ito? It reaches its planned end on {date_text(planned)}"
    )
    expect(due).to_be_visible()
    shot(page, "term-01-mentee-dashboard-asked")
    due.click()
    section = page.locator("#decision")
    expect(section.get_by_role("heading")).to_have_text("Extend or close?")
    expect(section).to_contain_text(f"Without an answer it ends on {date_text(planned + datetime.timedelta(days=14))}")
    shot(page, "term-02-mentee-asked")

    # The mentor, on a phone, is asked the same.
    login(mobile_page, live_server, MENTOR, PASSWORD)
    mobile_page.goto(url(live_server, pair.get_absolute_url()))
    expect(mobile_page.locator("#decision").get_by_role("button", name="Extend by 12 months")).to_be_visible()
    shot(mobile_page, "term-03-mentor-phone-asked")

    # The mentee extends by the program's twelve months.
    section.get_by_role("button", name="Extend by 12 months").click()
    expect(page.get_by_role("alert").first).to_contain_text("The mentorship is extended; your partner has been told.")
    pair.refresh_from_db()
    extended_to = pair.planned_end_on
    assert extended_to == planned.replace(year=planned.year + 1) or extended_to > planned
    expect(page.locator("#decision")).to_have_count(0)
    expect(page.locator("body")).to_contain_text(f"planned end {date_text(extended_to)}")
    expect(page.locator("#answers")).to_contain_text("Rosa Diaz — Extend")
    shot(page, "term-04-mentee-extended")

    # The mentor is told, and asked nothing more.
    mobile_page.goto(url(live_server, "/notifications/"))
    expect(mobile_page.locator("body")).to_contain_text("Rosa Diaz extended your mentorship")
    shot(mobile_page, "term-05-mentor-phone-told")
    mobile_page.goto(url(live_server, pair.get_absolute_url()))
    expect(mobile_page.locator("#decision")).to_have_count(0)
    expect(mobile_page.locator("#answers")).to_contain_text("Rosa Diaz — Extend")
    shot(mobile_page, "term-06-mentor-phone-extended")

    # The committee sees the answer and the new planned end.
    body, changelist = admin_page(browser, live_server, pair, "term-07-committee-admin-extended")
    assert "Extend" in body and "Rosa Diaz" in body and "Active" in body

    # A year on: asked again 30 days before the new end; nobody answers.
    asked_again = extended_to - datetime.timedelta(days=30)
    with time_machine.travel(
        datetime.datetime.combine(asked_again, datetime.time(9), tzinfo=timezone.get_current_timezone())
    ):
        sent = send_due(asked_again)
    assert sorted(to for to, subject in sent if "Extend or close" in subject) == sorted([MENTEE, MENTOR])

    # Fourteen days past the new end, the pair ends by itself.
    ends_on = extended_to + datetime.timedelta(days=14)
    with time_machine.travel(
        datetime.datetime.combine(ends_on, datetime.time(9), tzinfo=timezone.get_current_timezone())
    ):
        sent = send_due(ends_on)
        assert sorted(to for to, subject in sent if "has ended" in subject) == sorted([MENTEE, MENTOR])
        pair.refresh_from_db()
        assert (pair.state, pair.ended_on, pair.ended_by) == (MentorshipState.COMPLETED, ends_on, None)

        login(page, live_server, MENTEE, PASSWORD)
        page.goto(url(live_server, pair.get_absolute_url()))
        expect(page.locator(".alert-secondary")).to_contain_text(f"Ended on {date_text(ends_on)}")
        expect(page.locator(".alert-secondary")).to_contain_text("Planned end reached.")
        expect(page.locator("#end")).to_have_count(0)
        shot(page, "term-08-mentee-ended")
        page.goto(url(live_server, "/dashboard/"))
        expect(page.locator("li.list-group-item", has_text="Mentored by Ken Ito")).to_contain_text(
            f"ended {date_text(ends_on)}: Planned end reached."
        )
        shot(page, "term-09-mentee-dashboard-ended")

        login(mobile_page, live_server, MENTOR, PASSWORD)
        mobile_page.goto(url(live_server, pair.get_absolute_url()))
        expect(mobile_page.locator(".alert-secondary")).to_contain_text("Planned end reached.")
        shot(mobile_page, "term-10-mentor-phone-ended")

        body, changelist = admin_page(browser, live_server, pair, "term-11-committee-admin-ended")
        assert "Completed" in body and "Planned end reached." in body and date_text(ends_on) in body
        assert "Planned end reached." in changelist
    assert Mentorship.objects.get(pk=pair.pk).extended_count == 1
