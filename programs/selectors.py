"""Reads about programs, cohorts, enrolment and events, with their access checks."""

import datetime
import functools
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import rules
from .models import (
    LIVE_ENROLLMENT_STATES,
    Cohort,
    Enrollment,
    EnrollmentState,
    Event,
    EventAttendance,
    Program,
    ProgramCoordinator,
    Role,
    Rsvp,
)


def coordinated_program_ids(*, user) -> set[int]:
    """Programs a staff user runs; superusers run every program."""
    if not user.is_authenticated or not user.is_staff:
        return set()
    if user.is_superuser:
        return set(Program.objects.values_list("pk", flat=True))
    cached = getattr(user, "_coordinated_program_ids", None)
    if cached is None:
        cached = set(ProgramCoordinator.objects.filter(user=user).values_list("program_id", flat=True))
        user._coordinated_program_ids = cached
    return cached


def is_coordinator(*, user) -> bool:
    return bool(coordinated_program_ids(user=user))


def user_with_roles(*, pk):
    """The person with the roles they hold (`approved_as_mentor`, `approved_as_mentee`),
    in one query: the sign-in backends load each request's person this way. Written
    as SQL because compiling the same query with the ORM cost more than the
    separate roles query it replaces."""
    rows = list(get_user_model()._default_manager.raw(_user_with_roles_sql(), [pk]))
    return rows[0] if rows else None


@functools.cache
def _user_with_roles_sql() -> str:
    quote = connection.ops.quote_name
    user, enrollment = get_user_model()._meta.db_table, Enrollment._meta.db_table

    def holds(role: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {quote(enrollment)} e WHERE e.user_id = u.id "
            f"AND e.state = '{EnrollmentState.APPROVED.value}' AND e.role = '{role}')"
        )

    return (
        f"SELECT u.*, {holds(Role.MENTOR.value)} AS approved_as_mentor, {holds(Role.MENTEE.value)} AS approved_as_mentee "
        f"FROM {quote(user)} u WHERE u.id = %s"
    )


def roles_for_user(*, user):
    """Lazily: which roles the person holds, for the navigation bar; read with the
    person when they were loaded by `user_with_roles`, else with a query of its own."""

    def compute():
        if hasattr(user, "approved_as_mentor"):
            mentor, mentee = bool(user.approved_as_mentor), bool(user.approved_as_mentee)
        else:
            roles = set(
                Enrollment.objects.filter(user=user, state=EnrollmentState.APPROVED).values_list("role", flat=True)
            )
            mentor, mentee = Role.MENTOR in roles, Role.MENTEE in roles
        return {"mentor": mentor, "mentee": mentee, "coordinator": user.is_staff}

    return SimpleLazyObject(compute)


def program_list_for_user(*, user) -> QuerySet[Program]:
    return Program.objects.filter(is_active=True).order_by("name")


def enrolled_program_ids(*, user) -> set[int]:
    """The programs the person has an enrolment in (any state), by one look-up."""
    return set(Enrollment.objects.filter(user=user).values_list("cohort__program_id", flat=True))


def program_get(*, slug: str) -> Program:
    try:
        return Program.objects.get(slug=slug, is_active=True)
    except Program.DoesNotExist:
        raise Http404("No such program.")


def cohort_get_open(*, program: Program, pk: int) -> Cohort:
    try:
        return program.cohorts.get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.")


def enrollment_get_for_user(*, user, pk: int) -> Enrollment:
    """One's own enrolment; 404 for anyone else's."""
    try:
        return Enrollment.objects.select_related("cohort__program").get(pk=pk, user=user)
    except Enrollment.DoesNotExist:
        raise Http404("No such enrolment.")


def program_enrollments_of(*, user, program: Program) -> list[Enrollment]:
    return list(Enrollment.objects.filter(user=user, cohort__program=program).select_related("cohort__program"))


def cohort_rows_for(*, user, program: Program, enrollments: list[Enrollment], today=None) -> list[dict]:
    """The program page's running cohorts, each with the person's enrolments in it
    (mentor, mentee), whether enrolment is open, and the roles they may still
    take: not one they hold, and a second only where the program allows it."""
    today = today or timezone.localdate()
    mine = {(e.cohort_id, e.role): e for e in enrollments}
    rows = []
    for cohort in program.cohorts.filter(Cohort.running_q(today)).order_by("starts_on"):
        theirs = [mine.get((cohort.pk, role)) for role in (Role.MENTOR, Role.MENTEE)]
        held = {e.role for e in theirs if e and e.state in LIVE_ENROLLMENT_STATES}
        offer = [
            role
            for role in (Role.MENTEE, Role.MENTOR)
            if role not in held and rules.second_role_allowed(program=program, held=held, role=role)
        ]
        rows.append({"cohort": cohort, "open": cohort.enrolment_is_open(today), "mine": theirs, "offer": offer})
    return rows


def enrollments_for_user(*, user) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(user=user).select_related("cohort__program").order_by("-applied_at")


# A person's current enrolment in a program, in a role: approved, in the cohort
# that started last; of two in cohorts starting the same day, the newer. Every
# "the mentee's current cohort" asks `current_enrollment` (or, inside one SQL
# statement, `current_enrollment_sql`, which a test holds to the same answer).
CURRENT_ENROLLMENT_ORDER = ("-cohort__starts_on", "-pk")


def current_enrollment(*, user, program: Program, role: str = Role.MENTEE) -> Enrollment | None:
    return (
        Enrollment.objects.filter(user=user, cohort__program=program, role=role, state=EnrollmentState.APPROVED)
        .select_related("cohort__program")
        .order_by(*CURRENT_ENROLLMENT_ORDER)
        .first()
    )


def current_enrollment_sql(*, program_column: str, role: str = Role.MENTEE) -> str:
    """`current_enrollment`'s id as a correlated subquery, for a page that reads it in
    the same statement as the program (`%s` takes the person's id)."""
    quote = connection.ops.quote_name
    cohort, enrollment = quote(Cohort._meta.db_table), quote(Enrollment._meta.db_table)
    return (
        f"SELECT e.id FROM {enrollment} e JOIN {cohort} c ON c.id = e.cohort_id "
        f"WHERE e.user_id = %s AND c.program_id = {program_column} AND e.role = '{Role(role).value}' "
        f"AND e.state = '{EnrollmentState.APPROVED.value}' ORDER BY c.starts_on DESC, e.id DESC LIMIT 1"
    )


def current_program_ids(*, user, role: str = Role.MENTEE) -> set[int]:
    """The programs in which the person has a current enrolment in this role."""
    return set(
        Enrollment.objects.filter(user=user, role=role, state=EnrollmentState.APPROVED).values_list(
            "cohort__program_id", flat=True
        )
    )


def approved_count(*, cohort: Cohort) -> int:
    return cohort.enrollments.filter(state=EnrollmentState.APPROVED).count()


def cohort_stats(*, cohorts) -> dict[int, dict]:
    rows = (
        Enrollment.objects.filter(cohort__in=cohorts)
        .values("cohort_id")
        .annotate(
            approved=Count("pk", filter=Q(state=EnrollmentState.APPROVED)),
            pending=Count("pk", filter=Q(state=EnrollmentState.APPLIED)),
        )
    )
    return {row["cohort_id"]: row for row in rows}


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------

# How far ahead of an event its reminder goes out (the reminders planner asks).
EVENT_REMINDER_HOURS = 24


def _day_after(day: datetime.date) -> datetime.datetime:
    """Midnight after `day` in the site's time zone: events before it fall on or before `day`."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def events_visible_filter(*, user) -> Q:
    """Which events a person sees: their cohorts' events, and the program-wide
    events of programs they take part in while their cohort runs (last year's
    KY participants do not get next year's chapter meetings); coordinators see
    all of their programs' events."""
    q = Q(pk__in=[])
    if not user.is_authenticated:
        return q
    last_day: dict[int, datetime.date] = {}
    cohort_ids = []
    for cohort_id, program_id, ends_on in Enrollment.objects.filter(
        user=user, state=EnrollmentState.APPROVED
    ).values_list("cohort_id", "cohort__program_id", "cohort__ends_on"):
        cohort_ids.append(cohort_id)
        last_day[program_id] = max(ends_on, last_day.get(program_id, ends_on))
    if cohort_ids:
        q |= Q(cohort_id__in=cohort_ids)
    for program_id, day in last_day.items():
        q |= Q(program_id=program_id, cohort__isnull=True, starts_at__lt=_day_after(day))
    coordinated = coordinated_program_ids(user=user)
    if coordinated:
        q |= Q(program_id__in=coordinated)
    return q


def events_for_user(*, user, now: datetime.datetime | None = None) -> list[Event]:
    """Upcoming (and running) events of the person's programs, each with `.my_rsvp`
    ("yes", "maybe", "no" or "") and `.going` (answers yes/maybe). Three queries."""
    now = now or timezone.now()
    events = list(
        Event.objects.filter(events_visible_filter(user=user), ends_at__gt=now)
        .select_related("program", "cohort")
        .order_by("starts_at", "pk")
    )
    ids = [e.pk for e in events]
    mine = dict(EventAttendance.objects.filter(user=user, event_id__in=ids).values_list("event_id", "rsvp"))
    going = dict(
        EventAttendance.objects.filter(event_id__in=ids, rsvp__in=[Rsvp.YES, Rsvp.MAYBE])
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values_list("event_id", "n")
    )
    for event in events:
        event.my_rsvp = mine.get(event.pk, "")
        event.going = going.get(event.pk, 0)
    return events


def event_get_for_user(*, user, pk: int) -> Event:
    """The event if the person may see it; 404 otherwise (not 403: ids of other
    programs' events are not confirmed to exist)."""
    event = (
        Event.objects.filter(events_visible_filter(user=user), pk=pk).select_related("program", "cohort").first()
    )
    if event is None:
        raise Http404("No such event in your programs.")
    return event


def attendance_of(*, event: Event, user) -> EventAttendance | None:
    return EventAttendance.objects.filter(event=event, user=user).first()


def events_due_for_reminder(*, now: datetime.datetime) -> list[tuple[Event, list[int]]]:
    """Events starting within the next 24 hours, each with the ids of whom to remind.

    For the reminders planner (mentorship/services/reminders.py), which claims each send
    by its own unique key (say, the event id and the user), so asking twice in
    the same window is harmless here.

    Who is reminded: everyone taking part (approved in the event's cohort, or
    for a program-wide event in a cohort of the program still running on the
    event day) who has not answered "no", plus anyone else who answered yes or
    maybe (a coordinator, a guest added in the admin). Sorted ids; three
    queries however many events and people.
    """
    events = list(
        Event.objects.filter(starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=EVENT_REMINDER_HOURS))
        .select_related("program", "cohort")
        .order_by("starts_at", "pk")
    )
    if not events:
        return []
    answers: dict[int, dict[int, str]] = defaultdict(dict)
    for event_id, user_id, rsvp in EventAttendance.objects.filter(event__in=events).values_list(
        "event_id", "user_id", "rsvp"
    ):
        answers[event_id][user_id] = rsvp
    participants = Enrollment.objects.filter(
        state=EnrollmentState.APPROVED, cohort__program_id__in={e.program_id for e in events}
    ).values_list("user_id", "cohort_id", "cohort__program_id", "cohort__ends_on")
    by_cohort: dict[int, set[int]] = defaultdict(set)
    by_program: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for user_id, cohort_id, program_id, ends_on in participants:
        by_cohort[cohort_id].add(user_id)
        by_program[program_id].append((user_id, ends_on))

    due = []
    for event in events:
        if event.cohort_id:
            invited = set(by_cohort.get(event.cohort_id, ()))
        else:
            day = timezone.localtime(event.starts_at).date()
            invited = {user_id for user_id, ends_on in by_program.get(event.program_id, ()) if ends_on >= day}
        said = answers.get(event.pk, {})
        invited -= {user_id for user_id, rsvp in said.items() if rsvp == Rsvp.NO}
        invited |= {user_id for user_id, rsvp in said.items() if rsvp in (Rsvp.YES, Rsvp.MAYBE)}
        due.append((event, sorted(invited)))
    return due
