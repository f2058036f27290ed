"""Contact hours, cadence, milestones and the health label, at dates
fixed with time_machine. Each test names the program rule it guards."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import Agreement, MeetingFrequency, MeetingKind, MentorshipState
from mentorship.selectors.compliance import (
    AT_RISK,
    DUE,
    ON_TRACK,
    OVERDUE,
    HeldMeeting,
    annotate_health,
    compliance_compute,
    compliance_for,
)
from mentorship.tests.factories import UserFactory
from programs.tests.factories import ProgramFactory, seeded

from .builders import at, coordinator_of, met, pair_in

pytestmark = pytest.mark.django_db

D = datetime.date


def health_of(mentorship, today):
    return compliance_for(mentorship=mentorship, today=today).health


# ---------------------------------------------------------------------------
# Contact minutes per month (KY: "at least one contact hour each month")
# ---------------------------------------------------------------------------


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_ky_pair_that_met_45_minutes_in_march_is_under_the_minimum():
    mentorship = pair_in("ky-connections", D(2026, 1, 1))
    met(mentorship, at(2026, 2, 10), 60)
    met(mentorship, at(2026, 3, 20), 45)

    result = compliance_for(mentorship=mentorship, today=D(2026, 4, 5))

    march = next(m for m in result.months if m.month == D(2026, 3, 1))
    assert (march.minutes, march.minimum, march.under) == (45, 60, True)
    february = next(m for m in result.months if m.month == D(2026, 2, 1))
    assert not february.under
    assert result.health["code"] == OVERDUE
    assert "Met 45 of 60 minutes in March 2026" in result.health["reason"]


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_ky_pair_that_met_a_full_hour_in_march_is_on_track():
    mentorship = pair_in("ky-connections", D(2026, 1, 1))
    met(mentorship, at(2026, 2, 10), 60)
    met(mentorship, at(2026, 3, 20), 30)
    met(mentorship, at(2026, 3, 27), 30)

    assert health_of(mentorship, D(2026, 4, 5))["code"] == ON_TRACK


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_two_months_running_under_the_minimum_is_at_risk():
    mentorship = pair_in("ky-connections", D(2026, 1, 1))
    met(mentorship, at(2026, 2, 10), 30)
    met(mentorship, at(2026, 3, 28), 45)

    health = health_of(mentorship, D(2026, 4, 5))

    assert health["code"] == AT_RISK
    assert "2 months running" in health["reason"]


@time_machine.travel(at(2026, 4, 20), tick=False)
def test_a_pair_that_caught_up_this_month_is_no_longer_held_to_march():
    mentorship = pair_in("ky-connections", D(2026, 1, 1))
    met(mentorship, at(2026, 2, 10), 60)
    met(mentorship, at(2026, 3, 20), 45)
    met(mentorship, at(2026, 4, 15), 60)

    result = compliance_for(mentorship=mentorship, today=D(2026, 4, 20))

    assert result.health["code"] == ON_TRACK
    assert next(m for m in result.months if m.month == D(2026, 3, 1)).under  # still on the record


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_the_month_a_pair_started_in_does_not_count_towards_the_minimum():
    mentorship = pair_in("ky-connections", D(2026, 3, 20))
    met(mentorship, at(2026, 3, 25), 20)

    result = compliance_for(mentorship=mentorship, today=D(2026, 4, 5))

    march = result.months[0]
    assert (march.month, march.counts, march.under) == (D(2026, 3, 1), False, False)
    assert result.health["code"] == ON_TRACK


@time_machine.travel(at(2026, 4, 26), tick=False)
def test_the_rest_of_this_months_minimum_is_due_in_its_last_week():
    mentorship = pair_in("ky-connections", D(2026, 1, 1))
    met(mentorship, at(2026, 3, 20), 60)
    met(mentorship, at(2026, 4, 20), 20)

    result = compliance_for(mentorship=mentorship, today=D(2026, 4, 26))

    assert result.health["code"] == DUE
    assert "40 more minutes of contact needed by 30 Apr 2026" in result.health["reason"]
    assert any("40 more minutes" in item["text"] for item in result.due)


# ---------------------------------------------------------------------------
# Cadence (AAHPM and KY monthly, HPMSNJ quarterly)
# ---------------------------------------------------------------------------


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_a_pair_quiet_for_35_days_is_overdue_monthly_but_not_quarterly():
    monthly = pair_in("ky-connections", D(2026, 3, 1))
    quarterly = pair_in("hpmsnj", D(2026, 3, 1))
    for mentorship in (monthly, quarterly):
        met(mentorship, at(2026, 3, 1, 9), 60)

    ky = compliance_for(mentorship=monthly, today=D(2026, 4, 5))
    nj = compliance_for(mentorship=quarterly, today=D(2026, 4, 5))

    assert ky.days_since_contact == nj.days_since_contact == 35
    assert ky.contact_deadline == D(2026, 4, 1)
    assert ky.health["code"] == OVERDUE
    assert "35 days since the last contact: monthly contact was due by 1 Apr 2026" in ky.health["reason"]
    assert nj.contact_deadline == D(2026, 6, 1)
    assert nj.health["code"] == ON_TRACK


@time_machine.travel(at(2026, 3, 26), tick=False)
def test_next_contact_is_due_within_a_week_of_the_deadline():
    mentorship = pair_in("aahpm", D(2026, 2, 1))
    met(mentorship, at(2026, 2, 5), 30, kind=MeetingKind.DISCOVERY)
    met(mentorship, at(2026, 3, 1), 30)

    result = compliance_for(mentorship=mentorship, today=D(2026, 3, 26))

    assert result.health["code"] == DUE
    assert result.health["reason"] == "Next contact due by 1 Apr 2026"


@time_machine.travel(at(2026, 5, 5), tick=False)
def test_overdue_by_more_than_a_whole_interval_is_at_risk():
    mentorship = pair_in("aahpm", D(2026, 2, 1))
    met(mentorship, at(2026, 2, 5), 30, kind=MeetingKind.DISCOVERY)
    met(mentorship, at(2026, 3, 1), 30)

    assert health_of(mentorship, D(2026, 5, 5))["code"] == AT_RISK


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_a_program_without_cadence_or_minimum_is_on_track_however_quiet():
    program = ProgramFactory(checkin_interval_months=None, min_contact_minutes_per_month=None)
    mentorship = pair_in(_cohort(program), D(2025, 1, 1))
    assert health_of(mentorship, D(2026, 4, 5))["code"] == ON_TRACK


def _cohort(program):
    from programs.tests.factories import CohortFactory

    return CohortFactory(program=program, starts_on=D(2025, 1, 1), ends_on=D(2026, 12, 31))


# ---------------------------------------------------------------------------
# Milestones (AAHPM discovery and wrap-up calls; HHS and WTAP agreements)
# ---------------------------------------------------------------------------


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_an_aahpm_pair_without_a_discovery_call_is_flagged():
    mentorship = pair_in("aahpm", D(2026, 3, 1))
    met(mentorship, at(2026, 3, 20), 60)  # they talk, but never held the discovery call

    result = compliance_for(mentorship=mentorship, today=D(2026, 4, 5))

    assert result.health["code"] == AT_RISK
    assert "Hold the discovery call (AAHPM requires it; it was due by 31 Mar 2026)" in result.health["reason"]
    discovery = next(m for m in result.milestones if m.key == "discovery")
    assert (discovery.held, discovery.status) == (False, "missing")
    assert any(item["text"] == "AAHPM: hold the discovery call" for item in result.due)


@pytest.mark.parametrize(
    "today, code",
    [(D(2026, 3, 10), ON_TRACK), (D(2026, 3, 26), DUE), (D(2026, 4, 1), AT_RISK)],
    ids=["early", "last-week", "late"],
)
def test_the_discovery_call_is_due_in_the_first_month(today, code):
    with time_machine.travel(at(today.year, today.month, today.day), tick=False):
        mentorship = pair_in("aahpm", D(2026, 3, 1))
        met(mentorship, at(2026, 3, 2), 20)  # keeps the monthly cadence quiet until April
        assert health_of(mentorship, today)["code"] == code


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_an_aahpm_pair_with_its_discovery_call_is_on_track():
    mentorship = pair_in("aahpm", D(2026, 3, 1))
    met(mentorship, at(2026, 3, 20), 60, kind=MeetingKind.DISCOVERY)
    assert health_of(mentorship, D(2026, 4, 5))["code"] == ON_TRACK


@pytest.mark.parametrize(
    "today, code", [(D(2026, 8, 1), ON_TRACK), (D(2026, 8, 20), DUE), (D(2026, 9, 3), OVERDUE)]
)
def test_the_wrapup_call_is_due_before_the_planned_end(today, code):
    with time_machine.travel(at(today.year, today.month, today.day), tick=False):
        mentorship = pair_in("aahpm", D(2026, 3, 1), planned_end_on=D(2026, 9, 1), agreed_duration_months=6)
        met(mentorship, at(2026, 3, 5), 60, kind=MeetingKind.DISCOVERY)
        met(mentorship, at(today.year, today.month, today.day, 8), 30)
        result = compliance_for(mentorship=mentorship, today=today)
        assert result.health["code"] == code
        wrapup = next(m for m in result.milestones if m.key == "wrapup")
        assert wrapup.deadline == D(2026, 9, 1)


@pytest.mark.parametrize("slug", ["hhs", "wtap"])
@time_machine.travel(at(2026, 3, 10), tick=False)
def test_an_unsigned_agreement_is_a_due_step_where_the_program_requires_one(slug):
    mentorship = pair_in(slug, D(2026, 3, 1))

    result = compliance_for(mentorship=mentorship, today=D(2026, 3, 10))

    assert result.health["code"] == ON_TRACK  # not due yet, but on the list
    item = next(i for i in result.due if "agreement" in i["text"])
    assert item["text"] == f"{mentorship.program.short_name}: draft and sign the mentoring agreement"
    assert item["url"] == reverse("agreements:detail", kwargs={"pk": mentorship.pk})
    assert item["when"] == D(2026, 3, 31)


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_an_agreement_signed_by_one_only_is_still_due_and_late_is_at_risk():
    mentorship = pair_in("wtap", D(2026, 3, 1))
    _agreement(mentorship, mentor_signed=True, mentee_signed=False)

    result = compliance_for(mentorship=mentorship, today=D(2026, 4, 5))

    assert result.health["code"] == AT_RISK
    assert "Sign the mentoring agreement (WTAP requires it" in result.health["reason"]


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_a_signed_agreement_sets_the_cadence_where_the_program_leaves_it_to_the_agreement():
    mentorship = pair_in("hhs", D(2026, 3, 1))
    _agreement(mentorship, mentor_signed=True, mentee_signed=True, meeting_frequency=MeetingFrequency.FORTNIGHTLY)
    met(mentorship, at(2026, 3, 10), 60)

    result = compliance_for(mentorship=mentorship, today=D(2026, 4, 5))

    assert result.cadence.label == "every two weeks" and result.cadence.source == "agreement"
    assert result.contact_deadline == D(2026, 3, 24)
    assert result.health["code"] == OVERDUE
    assert not [i for i in result.due if "agreement" in i["text"]]


def _agreement(mentorship, *, mentor_signed, mentee_signed, meeting_frequency=MeetingFrequency.MONTHLY):
    from django.utils import timezone

    return Agreement.objects.create(
        mentorship=mentorship,
        duration_and_evaluation="One year.",
        meeting_frequency=meeting_frequency,
        min_meeting_minutes=30,
        max_meeting_minutes=60,
        contact_between_meetings="Email.",
        mentor_role="Advise.",
        mentee_role="Learn.",
        feedback="Monthly.",
        no_fault_termination="Either may end it.",
        mentor_signed_name="Mentor" if mentor_signed else "",
        mentor_signed_at=timezone.now() if mentor_signed else None,
        mentee_signed_name="Mentee" if mentee_signed else "",
        mentee_signed_at=timezone.now() if mentee_signed else None,
    )


def test_the_computation_is_pure_and_takes_plain_values():
    program = seeded("ky-connections")
    result = compliance_compute(
        program=program,
        started_on=D(2026, 1, 1),
        planned_end_on=D(2026, 12, 31),
        today=D(2026, 4, 5),
        meetings=[HeldMeeting(D(2026, 2, 3), 60, "checkin"), HeldMeeting(D(2026, 3, 3), 45, "checkin")],
    )
    assert [(m.month.month, m.minutes, m.under) for m in result.months] == [
        (1, 0, True),
        (2, 60, False),
        (3, 45, True),
        (4, 0, False),
    ]
    assert result.last_contact == D(2026, 3, 3)


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_an_ended_mentorship_has_no_health():
    mentorship = pair_in("ky-connections", D(2026, 1, 1), state=MentorshipState.COMPLETED, ended_on=D(2026, 3, 31))
    assert compliance_for(mentorship=mentorship) is None
    (annotated,) = annotate_health([mentorship])
    assert annotated.health is None and annotated.due_extra == []


# ---------------------------------------------------------------------------
# annotate_health: the same answers, batched
# ---------------------------------------------------------------------------


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_annotate_health_agrees_with_the_full_computation():
    ky = pair_in("ky-connections", D(2026, 1, 1))
    met(ky, at(2026, 2, 10), 60)
    met(ky, at(2026, 3, 20), 45)
    aahpm = pair_in("aahpm", D(2026, 3, 1))
    hhs = pair_in("hhs", D(2025, 6, 1))
    met(aahpm, at(2025, 12, 1), 30)  # long before the window annotate_health fetches

    rows = annotate_health([ky, aahpm, hhs], today=D(2026, 4, 5))

    for row in rows:
        assert row.health == compliance_for(mentorship=row, today=D(2026, 4, 5)).health
    assert [r.health["code"] for r in rows] == [OVERDUE, AT_RISK, AT_RISK]


def _many(count, mentor):
    for n in range(count):
        mentorship = pair_in("hhs", D(2026, 3, 1), mentor=mentor, mentor_slot=n + 1)
        met(mentorship, at(2026, 3, 10), 60)


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_annotate_health_takes_the_same_queries_for_2_or_20_mentorships():
    from mentorship.models import Mentorship

    small, large = UserFactory(), UserFactory()
    _many(2, small)
    _many(20, large)

    def count(mentor):
        rows = list(Mentorship.objects.filter(mentor=mentor).select_related("program"))
        with CaptureQueriesContext(connection) as ctx:
            annotate_health(rows)
        assert all(r.health for r in rows)
        return len(ctx.captured_queries)

    assert count(small) == count(large) <= 5


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_the_dashboard_keeps_its_query_count_as_mentorships_grow(client, settings):
    settings.PAGE_CONTENT_CACHE_SECONDS = 0  # building the page; test_page_cache covers a cache hit
    small, large = UserFactory(), UserFactory()
    _many(2, small)
    _many(20, large)

    def count(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("dashboard"))
        assert response.status_code == 200
        assert response.content.count(b"badge-health-") >= 2
        return len(ctx.captured_queries)

    assert count(small) == count(large)


@time_machine.travel(at(2026, 3, 10), tick=False)
def test_the_dashboard_shows_health_and_the_agreement_due_step(client):
    mentorship = pair_in("wtap", D(2026, 3, 1))
    client.force_login(mentorship.mentee)

    page = client.get(reverse("dashboard")).content.decode()

    assert "WTAP: draft and sign the mentoring agreement" in page
    assert reverse("agreements:detail", kwargs={"pk": mentorship.pk}) in page
    assert "badge-health-on_track" in page


@time_machine.travel(at(2026, 3, 10), tick=False)
def test_a_dual_role_person_reads_one_due_item_per_pair_naming_the_partner(client):
    """HHS: "participants can serve simultaneously as a mentor and mentee" — two
    pairs, each with its agreement to sign, are two items, never one line twice."""
    person = UserFactory(first_name="Dana", last_name="Both")
    mentee = UserFactory(first_name="Eli", last_name="Junior")
    mentor = UserFactory(first_name="Fay", last_name="Senior")
    as_mentor = pair_in("hhs", D(2026, 3, 1), mentor=person, mentee=mentee)
    pair_in(as_mentor.cohort, D(2026, 3, 1), mentor=mentor, mentee=person)
    client.force_login(person)

    page = client.get(reverse("dashboard")).content.decode()

    assert page.count("HHS: draft and sign the mentoring agreement with Eli Junior</a>") == 1
    assert page.count("HHS: draft and sign the mentoring agreement with Fay Senior</a>") == 1
    assert "HHS: draft and sign the mentoring agreement</a>" not in page


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_the_mentorship_page_shows_the_health_label(client):
    mentorship = pair_in("aahpm", D(2026, 3, 1))
    client.force_login(mentorship.mentor)

    page = client.get(mentorship.get_absolute_url()).content.decode()

    assert 'badge-health-at_risk fs-6' in page
    assert "Hold the discovery call (AAHPM requires it" in page


# ---------------------------------------------------------------------------
# The admin: health per row and as a filter
# ---------------------------------------------------------------------------


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_coordinators_filter_mentorships_by_health(client):
    at_risk = pair_in("aahpm", D(2026, 3, 1))
    on_track = pair_in("aahpm", D(2026, 3, 1))
    met(on_track, at(2026, 3, 20), 60, kind=MeetingKind.DISCOVERY)
    elsewhere = pair_in("ky-connections", D(2026, 1, 1))  # another program: never listed
    client.force_login(coordinator_of(at_risk.program))
    url = reverse("admin:mentorship_mentorship_changelist")

    listed = client.get(url, {"health": "at_risk"}).context["cl"].result_list
    assert [m.pk for m in listed] == [at_risk.pk]
    listed = client.get(url, {"health": "on_track"}).context["cl"].result_list
    assert [m.pk for m in listed] == [on_track.pk]
    page = client.get(url).content.decode()
    assert "At risk" in page and "On track" in page
    assert elsewhere.mentee.email not in page


@time_machine.travel(at(2026, 4, 5), tick=False)
def test_the_admin_list_keeps_its_query_count_as_mentorships_grow(client):
    program = seeded("hhs")
    coordinator = coordinator_of(program)
    client.force_login(coordinator)
    url = reverse("admin:mentorship_mentorship_changelist")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _many(3, UserFactory())
    small = count()
    _many(30, UserFactory())
    assert count() == small
