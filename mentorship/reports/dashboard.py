"""The coordinators' dashboard on the admin home: one card per program they run.

Each figure is counted the way the admin list it links to filters, so a
coordinator who follows "Overdue: 3" finds three rows:

- enrolment (programs/dashboard.py): approved mentors and mentees, pending
  applications and the waitlist of current cohorts;
- approved but not yet paired: approved in a current cohort with no active
  mentorship in the program in that role (the Enrollment list's "paired: no");
- active mentorships, and their health from compliance (`annotate_health`,
  as the Mentorship list's health filter computes it);
- contact this month: minutes of held meetings this calendar month (the
  Meeting list for the month), against the program's monthly minimum for the
  active pairs held to it this month;
- survey response rate: sent invitations answered (the Survey list shows the
  same per survey);
- ended pairs of the latest program year (cohort) that has any: completed of
  all its pairs, and ended early, counted by the cohort they belong to, so KY's
  completions stay with their year once the next one has begun (the Mentorship
  list filtered by that cohort).

A fixed number of queries whatever the number of programs, people or pairs
(about fifteen; a test holds it).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter, defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from programs.dashboard import enrolment_figures, enrolment_list_url
from programs.formats import date_text, month_text
from programs.models import Enrollment, EnrollmentState, Event, Program, Role
from programs.rules import add_months
from programs.selectors import coordinated_program_ids
from surveys.models import SurveyInvitation

from ..models import Meeting, MeetingStatus, Mentorship, MentorshipState
from ..selectors.compliance import AT_RISK, DUE, HEALTH_CHOICES, ON_TRACK, OVERDUE, annotate_health

CHART_MONTHS = 12
HEALTH_COLOURS = {ON_TRACK: "#2e7d32", DUE: "#f9a825", OVERDUE: "#ef6c00", AT_RISK: "#c62828"}


def paired_q() -> Q:
    """Enrolments whose person has an active mentorship in the program in their role."""
    active = Mentorship.objects.filter(program_id=OuterRef("cohort__program_id"), state=MentorshipState.ACTIVE)
    return Q(Q(role=Role.MENTOR), Exists(active.filter(mentor_id=OuterRef("user_id")))) | Q(
        Q(role=Role.MENTEE), Exists(active.filter(mentee_id=OuterRef("user_id")))
    )


@dataclasses.dataclass
class Figure:
    key: str
    label: str
    value: object
    url: str
    note: str = ""
    tone: str = ""  # "", "warn" or "bad": how urgently it asks for attention


@dataclasses.dataclass
class ProgramDashboard:
    program: Program
    figures: list[Figure]
    health: dict[str, int]
    months: list[tuple[str, float]]
    links: dict[str, str]

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    @property
    def chart(self) -> dict:
        return {
            "program": self.program.pk,
            "name": self.program.short_name,
            "health": {
                "labels": [label for _, label in HEALTH_CHOICES],
                "values": [self.health.get(code, 0) for code, _ in HEALTH_CHOICES],
                "colours": [HEALTH_COLOURS[code] for code, _ in HEALTH_CHOICES],
            },
            "hours": {"labels": [label for label, _ in self.months], "values": [hours for _, hours in self.months]},
            "minimum_hours": (self.program.min_contact_minutes_per_month or 0) / 60,
        }


def _url(name: str, params: dict | None = None) -> str:
    try:
        base = reverse(name)
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode(params)}" if params else base


def _month_bounds(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = today.replace(day=1)
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(add_months(start, 1), datetime.time.min)),
    )


def _survey_rates(program_ids) -> dict[int, tuple[int, int]]:
    """(invited, answered) per program."""
    rows = (
        SurveyInvitation.objects.filter(survey__program_id__in=program_ids, sent_at__isnull=False)
        .order_by()
        .values("survey__program_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(completed_at__isnull=False)))
    )
    return {row["survey__program_id"]: (row["invited"], row["answered"]) for row in rows}


def _ended_by_cohort(program_ids) -> dict[int, dict]:
    """Per program, its latest cohort with an ended pair: pairs in it, completed, ended early, last end."""
    rows = (
        Mentorship.objects.filter(program_id__in=program_ids)
        .order_by()
        .values("program_id", "cohort_id", "cohort__name", "cohort__starts_on")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(state=MentorshipState.COMPLETED)),
            early=Count("pk", filter=Q(state=MentorshipState.ENDED_EARLY)),
            last=Max("ended_on"),
        )
        .filter(last__isnull=False)
    )
    latest: dict[int, dict] = {}
    for row in rows:
        kept = latest.get(row["program_id"])
        if kept is None or (row["cohort__starts_on"], row["cohort_id"]) > (kept["cohort__starts_on"], kept["cohort_id"]):
            latest[row["program_id"]] = row
    return latest


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f} h"


def program_dashboards(*, user, today: datetime.date | None = None) -> list[ProgramDashboard]:
    """A card per active program the person coordinates (superusers: every program)."""
    today = today or timezone.localdate()
    ids = coordinated_program_ids(user=user)
    if not ids:
        return []
    programs = list(Program.objects.filter(pk__in=ids, is_active=True).order_by("name"))
    ids = [p.pk for p in programs]
    if not ids:
        return []

    enrolment = enrolment_figures(program_ids=ids, today=today)
    unpaired = defaultdict(Counter)
    for row in (
        Enrollment.objects.filter(
            cohort__program_id__in=ids, cohort__ends_on__gte=today, state=EnrollmentState.APPROVED
        )
        .exclude(paired_q())
        .order_by()
        .values("cohort__program_id", "role")
        .annotate(n=Count("pk"))
    ):
        unpaired[row["cohort__program_id"]][row["role"]] = row["n"]

    active = list(
        Mentorship.objects.filter(program_id__in=ids, state=MentorshipState.ACTIVE)
        .select_related("program")
    )
    annotate_health(active, today=today)
    health = defaultdict(Counter)
    held_to_minimum = Counter()
    met_minimum = Counter()
    for m in active:
        if m.health:
            health[m.program_id][m.health["code"]] += 1
        month = m.compliance.this_month if m.compliance else None
        if month is not None and month.counts and month.minimum:
            held_to_minimum[m.program_id] += 1
            if month.minutes >= month.minimum:
                met_minimum[m.program_id] += 1

    month_start, month_end = _month_bounds(today)
    held = Meeting.objects.filter(mentorship__program_id__in=ids, status=MeetingStatus.HELD)
    minutes_this_month = dict(
        held.filter(starts_at__gte=month_start, starts_at__lt=month_end)
        .order_by()
        .values("mentorship__program_id")
        .annotate(minutes=Sum("duration_minutes"))
        .values_list("mentorship__program_id", "minutes")
    )
    first_month = add_months(today.replace(day=1), -(CHART_MONTHS - 1))
    by_month = defaultdict(dict)
    for program_id, month, minutes in (
        held.filter(starts_at__gte=timezone.make_aware(datetime.datetime.combine(first_month, datetime.time.min)))
        .annotate(month=TruncMonth("starts_at"))
        .order_by()
        .values("mentorship__program_id", "month")
        .annotate(minutes=Sum("duration_minutes"))
        .values_list("mentorship__program_id", "month", "minutes")
    ):
        day = month.date() if isinstance(month, datetime.datetime) else month
        by_month[program_id][day] = minutes
    chart_months = [add_months(first_month, i) for i in range(CHART_MONTHS)]

    upcoming_events = dict(
        Event.objects.filter(program_id__in=ids, ends_at__gt=timezone.now())
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    )
    surveys = _survey_rates(ids)
    ended = _ended_by_cohort(ids)

    mentorships_url = "admin:mentorship_mentorship_changelist"
    dashboards = []
    for program in programs:
        pid = program.pk
        e = enrolment[pid]
        counts = health[pid]
        figures = [
            Figure("mentors", "Mentors enrolled", e.mentors, enrolment_list_url(pid, role=Role.MENTOR, state=EnrollmentState.APPROVED)),
            Figure("mentees", "Mentees enrolled", e.mentees, enrolment_list_url(pid, role=Role.MENTEE, state=EnrollmentState.APPROVED)),
        ]
        if program.requires_application_approval or e.pending:
            figures.append(
                Figure(
                    "pending",
                    "Applications to decide",
                    e.pending,
                    enrolment_list_url(pid, state=EnrollmentState.APPLIED),
                    tone="warn" if e.pending else "",
                )
            )
        if e.waitlisted or program.participant_cap:
            figures.append(Figure("waitlisted", "On the waitlist", e.waitlisted, enrolment_list_url(pid, state=EnrollmentState.WAITLISTED)))
        figures += [
            Figure(
                "unpaired_mentees",
                "Mentees approved, not yet paired",
                unpaired[pid][Role.MENTEE],
                enrolment_list_url(pid, role=Role.MENTEE, state=EnrollmentState.APPROVED, extra={"paired": "no"}),
                tone="warn" if unpaired[pid][Role.MENTEE] else "",
            ),
            Figure(
                "unpaired_mentors",
                "Mentors approved, not yet paired",
                unpaired[pid][Role.MENTOR],
                enrolment_list_url(pid, role=Role.MENTOR, state=EnrollmentState.APPROVED, extra={"paired": "no"}),
            ),
            Figure(
                "active",
                "Active mentorships",
                sum(1 for m in active if m.program_id == pid),
                _url(mentorships_url, {"program__id__exact": pid, "state__exact": MentorshipState.ACTIVE}),
            ),
            Figure(
                "overdue",
                "Overdue",
                counts[OVERDUE],
                _url(mentorships_url, {"program__id__exact": pid, "health": OVERDUE}),
                note="contact or a milestone is past due",
                tone="warn" if counts[OVERDUE] else "",
            ),
            Figure(
                "at_risk",
                "At risk",
                counts[AT_RISK],
                _url(mentorships_url, {"program__id__exact": pid, "health": AT_RISK}),
                note="two check-ins missed, two months under the minimum, or a required milestone missing",
                tone="bad" if counts[AT_RISK] else "",
            ),
        ]
        minutes = minutes_this_month.get(pid, 0) or 0
        minimum = program.min_contact_minutes_per_month
        if minimum and held_to_minimum[pid]:
            required = minimum * held_to_minimum[pid]
            note = (
                f"minimum {_hours(required)}: {minimum} min × {held_to_minimum[pid]} pair"
                f"{'' if held_to_minimum[pid] == 1 else 's'} held to it this month; "
                f"{met_minimum[pid]} of {held_to_minimum[pid]} have met it"
            )
            tone = "warn" if met_minimum[pid] < held_to_minimum[pid] else ""
        elif minimum:
            # Pairs that started this month are held to the minimum from next month.
            note, tone = f"minimum {minimum} min a month per pair; no pair is held to it this month yet", ""
        else:
            note, tone = f"{program.short_name} sets no monthly minimum", ""
        figures.append(
            Figure(
                "contact",
                f"Contact hours in {today:%B}",
                _hours(minutes),
                _url(
                    "admin:mentorship_meeting_changelist",
                    {
                        "mentorship__program__id__exact": pid,
                        "status__exact": MeetingStatus.HELD,
                        "starts_at__year": today.year,
                        "starts_at__month": today.month,
                    },
                ),
                note=note,
                tone=tone,
            )
        )
        invited, answered = surveys.get(pid, (0, 0))
        figures.append(
            Figure(
                "surveys",
                "Survey response rate",
                f"{answered / invited:.0%}" if invited else "—",
                _url("admin:surveys_survey_changelist", {"program__id__exact": pid}),
                note=f"{answered} of {invited} sent surveys answered",
            )
        )
        year = ended.get(pid)
        if year is not None:
            figures.append(
                Figure(
                    "ended",
                    f"Completed in {year['cohort__name']}",
                    f"{year['completed']} of {year['total']}",
                    _url(mentorships_url, {"program__id__exact": pid, "cohort__id__exact": year["cohort_id"]}),
                    note=f"{year['early']} ended early; the latest ended on {date_text(year['last'])}",
                )
            )
        figures.append(
            Figure(
                "events",
                "Upcoming events",
                upcoming_events.get(pid, 0),
                _url("admin:programs_event_changelist", {"program__id__exact": pid, "when": "upcoming"}),
            )
        )
        dashboards.append(
            ProgramDashboard(
                program=program,
                figures=figures,
                health={code: counts[code] for code, _ in HEALTH_CHOICES},
                months=[(month_text(m), round((by_month[pid].get(m, 0) or 0) / 60, 1)) for m in chart_months],
                links={
                    "changes": reverse("admin:programs_program_changes", args=[pid]),
                    "exports": _url("admin:programs_enrollment_exports", {"program": pid}),
                    "contact_hours_csv": _url("admin:programs_enrollment_export", {"program": pid, "kind": "contact-hours"}),
                    "import": _url("admin:programs_enrollment_import", {"program": pid}),
                },
            )
        )
    return dashboards
