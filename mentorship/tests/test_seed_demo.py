"""seed_demo builds a living world for each program, on whatever day it runs:
every state the demo promises exists, every demo login sees its pairs, a second
run adds nothing, and send_due finds reminders and surveys in the weeks ahead."""

import datetime
import io
import random
import zoneinfo
from http import HTTPStatus

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from matching.models import MatchProposal, MatchRun, Shortlist
from mentorship import services
from mentorship.demo import DEMO_PASSWORD
from mentorship.models import (
    Agreement,
    Invitation,
    InvitationState,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Mentorship,
    MentorshipState,
    Notification,
    User,
)
from mentorship.selectors.compliance import HEALTH_LABELS, annotate_health, compliance_for
from programs.errors import RuleViolation
from programs.models import Cohort, Enrollment, EnrollmentState, Program, Role
from programs.rules import add_months
from surveys.models import Answer, SurveyInvitation, SurveyKind

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("America/New_York")
SHORTS = {"aahpm": "aahpm", "hpmsnj": "hpmsnj", "hhs": "hhs", "wtap": "wtap", "ky-connections": "ky"}
# The same "random" day in every xdist worker (it changes from one day to the next).
RANDOM_DAY = datetime.date(2026, 1, 1) + datetime.timedelta(
    days=random.Random(datetime.date.today().toordinal()).randrange(3 * 365)
)
DAYS = [datetime.date(2026, 12, 1), datetime.date(2027, 1, 1), datetime.date(2027, 7, 1), RANDOM_DAY]


def counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def user(email: str) -> User:
    return User.objects.get(email=email)


def pairs(slug: str, **filters):
    return Mentorship.objects.filter(program__slug=slug, **filters)


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), TZ)


@pytest.fixture(params=DAYS, ids=str)
def world(request, django_capture_on_commit_callbacks):
    """The demo seeded on a frozen day; yields that day, still frozen."""
    day = request.param
    with time_machine.travel(at_noon(day), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", quiet=True)
        yield day


def test_a_second_run_adds_no_rows(world):
    before = counts()
    call_command("seed_demo", quiet=True)
    assert counts() == before


def test_every_demo_login_sees_its_pairs(world, client):
    for slug, short in SHORTS.items():
        for role in ("mentor", "mentee"):
            for n in range(1, 5):
                person = user(f"{role}{n}.{short}@example.org")
                mine = Mentorship.objects.filter(program__slug=slug, state=MentorshipState.ACTIVE).filter(
                    **{role: person}
                )
                client.force_login(person)
                response = client.get(reverse("dashboard"))
                assert response.status_code == HTTPStatus.OK
                page = response.content.decode()
                for pair in mine:
                    partner = pair.mentee if role == "mentor" else pair.mentor
                    assert partner.display_name in page, (person.email, partner.email)
        coordinator = user(f"coordinator.{short}@example.org")
        client.force_login(coordinator)
        response = client.get(reverse("admin:index"))
        assert response.status_code == HTTPStatus.OK
        assert Program.objects.get(slug=slug).short_name in response.content.decode()
    # Every login signs in with the demo password.
    client.logout()
    assert client.login(username="mentee1.aahpm@example.org", password=DEMO_PASSWORD) or client.login(
        email="mentee1.aahpm@example.org", password=DEMO_PASSWORD
    )


def test_aahpm(world):
    today = world
    mentor1, mentor2 = user("mentor1.aahpm@example.org"), user("mentor2.aahpm@example.org")
    first = pairs("aahpm", mentee__email="mentee1.aahpm@example.org").get()
    assert first.state == MentorshipState.ACTIVE and first.goals_shared_at and first.agreed_duration_months
    assert first.meetings.filter(kind=MeetingKind.DISCOVERY, status=MeetingStatus.HELD).exists()
    done = pairs("aahpm", mentee__email="mentee2.aahpm@example.org").get()
    assert done.state == MentorshipState.COMPLETED and done.ended_on < today
    assert done.meetings.filter(kind=MeetingKind.WRAPUP, status=MeetingStatus.HELD).exists()
    exits = SurveyInvitation.objects.filter(mentorship=done, survey__kind=SurveyKind.EXIT)
    assert {i.recipient_id for i in exits} == {done.mentor_id, done.mentee_id}
    assert sorted(i.completed_at is None for i in exits) == [False, True]
    assert pairs("aahpm", mentor=mentor1, state=MentorshipState.ACTIVE).count() == 2
    assert Program.objects.get(slug="aahpm").max_mentees_per_mentor == 2
    assert Invitation.objects.filter(program__slug="aahpm", state=InvitationState.PENDING).exists()
    declined = Invitation.objects.get(program__slug="aahpm", state=InvitationState.DECLINED)
    assert declined.decline_reason
    assert mentor2.pk == done.mentor_id


def test_hpmsnj(world):
    today = world
    long = pairs("hpmsnj", state=MentorshipState.ACTIVE, started_on__lte=add_months(today, -12)).get()
    assert long.started_on > add_months(today, -13)  # in its 13th month
    assert long.extended_count >= 1 and long.planned_end_on > add_months(long.started_on, 12)
    quiet = [
        m
        for m in pairs("hpmsnj", state=MentorshipState.ACTIVE)
        if (c := compliance_for(mentorship=m, today=today))
        and c.contact_deadline < today
        and c.last_contact
        and c.last_contact < add_months(today, -3)
    ]
    assert quiet, "a quarterly check-in is overdue"


def test_hhs(world):
    today = world
    active = pairs("hhs", state=MentorshipState.ACTIVE)
    ago = {(today - m.started_on).days: m for m in active}
    four = next(m for days, m in ago.items() if 110 <= days <= 130)  # about four months
    one = next(m for days, m in ago.items() if 28 <= days <= 35)  # about one month
    with pytest.raises(RuleViolation, match="only after 3 months"):
        services.mentorship_end(mentorship=one, by=one.mentee, reason="Not working for me.", today=today)
    services.mentorship_end(mentorship=four, by=four.mentee, reason="Not working for me.", today=today)
    dual = [p for p in active if active.filter(mentee=p.mentor).exists()]
    assert dual, "someone is a mentor and a mentee at once"
    platforms = set(
        Enrollment.objects.filter(
            cohort__program__slug="hhs", role=Role.MENTEE, user__in=active.values("mentee")
        ).values_list("platform_preference", flat=True)
    )
    assert {"senior_to_junior", "peer_to_peer"} <= platforms
    assert Shortlist.objects.filter(program__slug="hhs", created_by__email="coordinator.hhs@example.org").exists()
    assert MatchProposal.objects.filter(run__program__slug="hhs", state="proposed").exists()
    assert any(today < add_months(m.started_on, 12) <= today + datetime.timedelta(days=31) for m in active)


def test_wtap(world):
    agreements = Agreement.objects.filter(mentorship__program__slug="wtap")
    both = agreements.filter(mentor_signed_at__isnull=False, mentee_signed_at__isnull=False).first()
    assert both is not None
    assert both.mentor_signed_name and both.mentee_signed_name
    assert both.mentor_signed_at.date() != both.mentee_signed_at.date()
    assert agreements.filter(mentor_signed_at__isnull=False, mentee_signed_at__isnull=True).exists()


def test_ky(world):
    today = world
    program = Program.objects.get(slug="ky-connections")
    running = Cohort.objects.get(program=program, name=str(today.year))
    active = list(pairs("ky-connections", state=MentorshipState.ACTIVE, cohort=running))
    minutes = []
    for m in active:
        months = compliance_for(mentorship=m, today=today).months
        complete = [month for month in months if month.complete and month.counts]
        minutes.append((complete or months)[-1].minutes)
    assert any(x > 60 for x in minutes) and 60 in minutes and any(x < 60 for x in minutes), minutes
    fit = SurveyInvitation.objects.filter(survey__program=program, survey__kind=SurveyKind.FIT_CHECK)
    assert fit.filter(completed_at__isnull=False).exists()
    assert Notification.objects.filter(
        user__email="coordinator.ky@example.org", subject__contains="needs your attention"
    ).exists()
    mentee4, mentor4 = user("mentee4.ky@example.org"), user("mentor4.ky@example.org")
    assert mentee4.profile.supervisor == mentor4
    run = MatchRun.objects.get(program=program)
    assert not run.proposals.filter(mentee=mentee4, mentor=mentor4).exists()
    assert run.unmatched.filter(mentee=mentee4).exists()
    # Next year's cohort with its window (KY: from 1 November); applications wait in whichever is open.
    following = Cohort.objects.get(program=program, name=str(today.year + 1))
    assert following.enrolment_opens_on == datetime.date(today.year, 11, 1)
    waiting = following if following.enrolment_is_open(today) else running
    assert Enrollment.objects.filter(cohort=waiting, state=EnrollmentState.APPLIED).count() == 2


def test_meetings_health_and_surveys_in_every_program(world):
    today = world
    soon = at_noon(today) + datetime.timedelta(days=7)
    for slug in SHORTS:
        held = Meeting.objects.filter(mentorship__program__slug=slug, status=MeetingStatus.HELD)
        assert held.count() >= 3, slug
        assert Meeting.objects.filter(
            mentorship__program__slug=slug,
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=at_noon(today),
            starts_at__lte=soon,
        ).exists(), slug
    active = annotate_health(list(Mentorship.objects.filter(state=MentorshipState.ACTIVE)), today=today)
    assert {m.health["code"] for m in active} == set(HEALTH_LABELS)
    assert Answer.objects.exists()


def _send_due(day: datetime.date, django_capture_on_commit_callbacks) -> list:
    mail.outbox.clear()
    with time_machine.travel(at_noon(day), tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("send_due", date=day, stdout=io.StringIO())
    return list(mail.outbox)


def test_send_due_40_days_on_reminds_once(world, django_capture_on_commit_callbacks):
    day = world + datetime.timedelta(days=40)
    first = _send_due(day, django_capture_on_commit_callbacks)
    assert any("check in" in m.subject.lower() for m in first), [m.subject for m in first]
    assert _send_due(day, django_capture_on_commit_callbacks) == []


def test_send_due_100_days_on_sends_a_survey(world, django_capture_on_commit_callbacks):
    day = world + datetime.timedelta(days=100)
    before = SurveyInvitation.objects.count()
    _send_due(day, django_capture_on_commit_callbacks)
    assert SurveyInvitation.objects.filter(sent_at__isnull=False).count() > 0
    assert SurveyInvitation.objects.count() > before
