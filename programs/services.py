"""Every change to enrolment and to a program's calendar goes through here: the site, the admin, the
participant import and commands alike, each under the cohort's lock.

Each rule is a check function (the window, a second enrolment, the dual role,
the platform, the cap, a running cohort) that the services run under the lock
and that a form or an import may run first, to show a person every problem
before anything is written.
"""

import dataclasses
import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import rules
from .errors import RuleViolation
from .models import (
    LIVE_ENROLLMENT_STATES,
    Cohort,
    Enrollment,
    EnrollmentState,
    Event,
    EventPattern,
    Platform,
    Program,
    ProgramCoordinator,
    Role,
)
from .signals import enrollment_decided

ENROLMENT_NOT_OPEN = "Enrolment for {cohort} is not open: it opens on {opens} and closes on {closes}."
ENROLMENT_NOT_YET_OPEN = "Enrolment for {cohort} opens on {opens}. Please come back then."
ENROLMENT_CLOSED = "Enrolment for {cohort} closed on {closes}. Ask the {coordinator} about the next intake."
COHORT_CLOSED = "{cohort} is closed and takes no new participants or pairs."
ALREADY_ENROLLED = "You have already enrolled in {cohort} as a {role}."
DUAL_ROLE_NOT_ALLOWED = (
    "{program} does not allow one person to be a mentor and a mentee at once; you are already enrolled in "
    "{cohort} as a {other_role}."
)
PARTICIPANT_CAP_REACHED = (
    "{cohort} has reached its cap of {cap} participants; approve someone else only after a place frees up."
)
PLATFORM_REQUIRED = "{program} asks mentees which platform they prefer: {choices}."
PLATFORM_NOT_OFFERED = "{program} does not offer the {platform} platform."
ENROLLMENT_NOT_PENDING = "This enrolment is {state}; only applications and waitlisted places can be decided."



def enrollment_check_dual_role(*, user, cohort: Cohort, role: str) -> None:
    """Refuse a second role in one cohort where the program does not allow it."""
    held = Enrollment.objects.filter(user=user, cohort=cohort, state__in=LIVE_ENROLLMENT_STATES).exclude(role=role)
    other = held.first()
    if other and not rules.second_role_allowed(program=cohort.program, held={other.role}, role=role):
        raise RuleViolation(
            DUAL_ROLE_NOT_ALLOWED.format(
                program=cohort.program.short_name, cohort=cohort, other_role=other.get_role_display().lower()
            ),
            code="dual_role",
        )


def _check_running(cohort: Cohort, today) -> None:
    if not cohort.is_open_for_pairs(today):
        raise RuleViolation(COHORT_CLOSED.format(cohort=cohort), code="cohort_closed")


def _check_window(cohort: Cohort, today) -> None:
    _check_running(cohort, today)
    if cohort.enrolment_opens_on and today < cohort.enrolment_opens_on:
        raise RuleViolation(
            ENROLMENT_NOT_YET_OPEN.format(cohort=cohort, opens=cohort.enrolment_opens_on), code="window"
        )
    closes = cohort.enrolment_closes_on or cohort.ends_on
    if today > closes:
        raise RuleViolation(
            ENROLMENT_CLOSED.format(cohort=cohort, closes=closes, coordinator=cohort.program.coordinator_title),
            code="window",
        )


def places_left(cohort: Cohort) -> int | None:
    """Approvals the cohort can still take under its participant cap; None without a cap.
    KY: "The Connections Sponsors may initiate a cap on the number of participants"."""
    cap = cohort.effective_participant_cap
    if cap is None:
        return None
    return max(cap - cohort.enrollments.filter(state=EnrollmentState.APPROVED).count(), 0)


def _cap_reached(cohort: Cohort) -> bool:
    return places_left(cohort) == 0


def _check_platform(program: Program, role: str, platform_preference: str) -> None:
    """HHS: a mentee chooses a platform the program offers; a mentor does not choose."""
    if role != Role.MENTEE or not program.platforms:
        return
    if not platform_preference:
        choices = ", ".join(program.get_platforms_display())
        raise RuleViolation(PLATFORM_REQUIRED.format(program=program.short_name, choices=choices), code="platform")
    if platform_preference not in program.platforms:
        raise RuleViolation(
            PLATFORM_NOT_OFFERED.format(
                program=program.short_name,
                # A value outside the choices comes from a crafted request: name it as sent.
                platform=dict(Platform.choices).get(platform_preference, platform_preference),
            ),
            code="platform",
        )


def enrollment_apply_check(*, user, cohort: Cohort, role: str, platform_preference: str = "", today=None) -> None:
    """What `enrollment_apply` refuses, checked without writing: for a form that
    wants to show the reason next to what was typed (the admin's add form)."""
    today = today or timezone.localdate()
    _check_window(cohort, today)
    role = Role(role)
    same_role = Enrollment.objects.filter(user=user, cohort=cohort, role=role).first()
    if same_role and same_role.state in LIVE_ENROLLMENT_STATES:
        raise RuleViolation(ALREADY_ENROLLED.format(cohort=cohort, role=role.label.lower()), code="duplicate")
    enrollment_check_dual_role(user=user, cohort=cohort, role=role)
    _check_platform(cohort.program, role, platform_preference)


def _lock_cohort(cohort: Cohort) -> Cohort:
    # The row lock serialises approvals of one cohort on PostgreSQL; SQLite's
    # IMMEDIATE transactions already serialise every writer.
    return Cohort.objects.select_for_update(of=("self",)).select_related("program").get(pk=cohort.pk)


@transaction.atomic
def enrollment_apply(
    *,
    user,
    cohort: Cohort,
    role: str,
    needs: str = "",
    challenges: str = "",
    strengths: str = "",
    areas_for_improvement: str = "",
    platform_preference: str = "",
    motivation: str = "",
    today=None,
) -> Enrollment:
    """Enrol a person in a cohort; approved at once unless the program reviews applications."""
    today = today or timezone.localdate()
    cohort = _lock_cohort(cohort)
    program = cohort.program
    role = Role(role)
    enrollment_apply_check(user=user, cohort=cohort, role=role, platform_preference=platform_preference, today=today)
    if role == Role.MENTOR:
        platform_preference = ""
    same_role = Enrollment.objects.filter(user=user, cohort=cohort, role=role).first()

    if program.requires_application_approval:
        state = EnrollmentState.APPLIED
    else:
        state = EnrollmentState.WAITLISTED if _cap_reached(cohort) else EnrollmentState.APPROVED

    enrollment = same_role or Enrollment(user=user, cohort=cohort, role=role)
    enrollment.state = state
    enrollment.needs = needs
    enrollment.challenges = challenges
    enrollment.strengths = strengths
    enrollment.areas_for_improvement = areas_for_improvement
    enrollment.platform_preference = platform_preference
    enrollment.motivation = motivation
    enrollment.applied_at = timezone.now()
    enrollment.decided_at = timezone.now() if state != EnrollmentState.APPLIED else None
    enrollment.decided_by = None
    enrollment.full_clean()
    enrollment.save()
    return enrollment


def _decide(enrollment: Enrollment, *, state: str, by, note: str) -> Enrollment:
    enrollment.state = state
    enrollment.decided_at = timezone.now()
    enrollment.decided_by = by
    if note:
        enrollment.decision_note = note
    enrollment.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    return enrollment


@transaction.atomic
def enrollment_approve(*, enrollment: Enrollment, by=None, note: str = "") -> Enrollment:
    """Approve an application or a waitlisted place, within the participant cap."""
    cohort = _lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state == EnrollmentState.APPROVED:
        return enrollment
    if enrollment.state not in (EnrollmentState.APPLIED, EnrollmentState.WAITLISTED):
        raise RuleViolation(ENROLLMENT_NOT_PENDING.format(state=enrollment.get_state_display().lower()))
    if cohort.is_closed:
        raise RuleViolation(COHORT_CLOSED.format(cohort=cohort), code="cohort_closed")
    if _cap_reached(cohort):
        raise RuleViolation(
            PARTICIPANT_CAP_REACHED.format(cohort=cohort, cap=cohort.effective_participant_cap), code="cap"
        )
    _decide(enrollment, state=EnrollmentState.APPROVED, by=by, note=note)
    enrollment_decided.send(sender=Enrollment, enrollment=enrollment, moved_up=False)
    return enrollment


@transaction.atomic
def enrollment_waitlist(*, enrollment: Enrollment, by=None, note: str = "") -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state not in (EnrollmentState.APPLIED, EnrollmentState.WAITLISTED):
        raise RuleViolation(ENROLLMENT_NOT_PENDING.format(state=enrollment.get_state_display().lower()))
    already = enrollment.state == EnrollmentState.WAITLISTED
    _decide(enrollment, state=EnrollmentState.WAITLISTED, by=by, note=note)
    if not already:
        enrollment_decided.send(sender=Enrollment, enrollment=enrollment, moved_up=False)
    return enrollment


@transaction.atomic
def enrollment_decline(*, enrollment: Enrollment, by=None, note: str = "") -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state not in (EnrollmentState.APPLIED, EnrollmentState.WAITLISTED):
        raise RuleViolation(ENROLLMENT_NOT_PENDING.format(state=enrollment.get_state_display().lower()))
    _decide(enrollment, state=EnrollmentState.DECLINED, by=by, note=note)
    enrollment_decided.send(sender=Enrollment, enrollment=enrollment, moved_up=False)
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, by=None, note: str = "") -> Enrollment:
    """Withdraw; a freed place goes to the longest-waiting person on the waitlist."""
    cohort = _lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state == EnrollmentState.WITHDRAWN:
        return enrollment
    was_approved = enrollment.state == EnrollmentState.APPROVED
    _decide(enrollment, state=EnrollmentState.WITHDRAWN, by=by, note=note)
    if was_approved:
        next_in_line = (
            cohort.enrollments.filter(state=EnrollmentState.WAITLISTED).order_by("applied_at", "pk").first()
        )
        if next_in_line and not _cap_reached(cohort):
            # Nobody decided this place: it moved up by itself. Recording `by` would
            # name the person who withdrew as the one who approved someone else.
            _decide(next_in_line, state=EnrollmentState.APPROVED, by=None, note="Moved up from the waitlist.")
            enrollment_decided.send(sender=Enrollment, enrollment=next_in_line, moved_up=True)
    return enrollment


# ---------------------------------------------------------------------------
# Admission: approved at once by a coordinator's decision (a file, an HR system)
# ---------------------------------------------------------------------------

ADMISSION_COHORT_CLOSED = "{cohort} is closed and takes no new participants"
ADMISSION_OVER_CAP = "would take {cohort} past its cap of {cap} participants ({approved} approved already)"
ADMISSION_DUAL_ROLE = "{program} does not allow one person to be a mentor and a mentee at once ({other})"
ADMISSION_PENDING = "has an enrolment as {role} in {cohort} that is {state}: decide it in the enrolment list"
ADMISSION_ENDED = "was {state} as {role} in {cohort}; enrol them again from the enrolment list if that has changed"
ADMISSION_REFUSED = "Nothing was enrolled: {label} {problem}."
ANSWER_FIELDS = ("needs", "challenges", "strengths", "areas_for_improvement", "motivation")


@dataclasses.dataclass
class Admission:
    """One person to enrol, approved: the coordinator's file is the decision, so
    the application window does not apply, but a running cohort, its cap, the
    dual-role rule and a mentee's platform do."""

    label: str  # how the caller names it in a message ("row 12")
    person: str  # the same for every admission of one person (the import: their email)
    cohort: Cohort
    role: str
    user: object | None = None  # None: an account the caller creates before admitting
    platform_preference: str = ""
    answers: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class AdmissionCheck:
    problems: list[list[str]]  # per admission, the rules it breaks
    in_place: list[bool]  # per admission, already approved: nothing to do


def admissions_check(*, admissions: list[Admission], today=None) -> AdmissionCheck:
    """Every admission against the rules, in order (an earlier one counts against
    the cap and the dual role of a later one), without writing: the import shows
    every problem at once; `enrollments_admit` runs it again under the locks."""
    today = today or timezone.localdate()
    person_of = {a.user.pk: a.person for a in admissions if a.user is not None}
    cohorts = {a.cohort.pk: a.cohort for a in admissions}
    existing = {
        (person_of[e.user_id], e.cohort_id, e.role): e
        for e in Enrollment.objects.filter(user_id__in=person_of, cohort_id__in=cohorts).select_related("cohort")
    }
    approved = dict(
        Enrollment.objects.filter(cohort_id__in=cohorts, state=EnrollmentState.APPROVED)
        .order_by()
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    admitted = {cohort_id: 0 for cohort_id in cohorts}
    held: dict[tuple, dict[str, str]] = {}  # (person, cohort) → {role: how they hold it, for the message}
    for (person, cohort_id, role), enrollment in existing.items():
        if enrollment.state in LIVE_ENROLLMENT_STATES:
            held.setdefault((person, cohort_id), {})[role] = (
                f"already {enrollment.get_state_display().lower()} as {role} in {enrollment.cohort}"
            )
    result = AdmissionCheck(problems=[], in_place=[])
    for admission in admissions:
        cohort, problems = admission.cohort, []
        program = cohort.program
        enrollment = existing.get((admission.person, cohort.pk, admission.role))
        in_place = enrollment is not None and enrollment.state == EnrollmentState.APPROVED
        if not cohort.is_open_for_pairs(today):
            problems.append(ADMISSION_COHORT_CLOSED.format(cohort=cohort))
        roles = held.setdefault((admission.person, cohort.pk), {})
        others = {role: how for role, how in roles.items() if role != admission.role}
        if others and not rules.second_role_allowed(program=program, held=set(others), role=admission.role):
            problems.append(ADMISSION_DUAL_ROLE.format(program=program.short_name, other=next(iter(others.values()))))
        roles.setdefault(admission.role, f"{admission.label} enrols them as {admission.role}")
        try:
            _check_platform(program, admission.role, admission.platform_preference)
        except RuleViolation as error:
            problems.append(error.message)
        if enrollment is not None and not in_place:
            template = (
                ADMISSION_PENDING
                if enrollment.state in (EnrollmentState.APPLIED, EnrollmentState.WAITLISTED)
                else ADMISSION_ENDED
            )
            problems.append(
                template.format(state=enrollment.get_state_display().lower(), role=admission.role, cohort=cohort)
            )
        cap = cohort.effective_participant_cap
        if not problems and not in_place and cap is not None:
            already = approved.get(cohort.pk, 0)
            if already + admitted[cohort.pk] >= cap:
                problems.append(ADMISSION_OVER_CAP.format(cohort=cohort, cap=cap, approved=already))
            else:
                admitted[cohort.pk] += 1
        result.problems.append(problems)
        result.in_place.append(in_place)
    return result


@transaction.atomic
def enrollments_admit(*, admissions: list[Admission], by=None, note: str = "", today=None) -> list[Enrollment]:
    """Approve every admission not already in place, or none.

    Under the locks of the cohorts (taken in id order, the order the other
    enrolment services take one), the admissions are checked again: an approval
    or another import that filled a cohort since the caller's check refuses
    the whole batch instead of passing the cap.
    """
    for cohort_id in sorted({a.cohort.pk for a in admissions}):
        _lock_cohort(Cohort(pk=cohort_id))
    check = admissions_check(admissions=admissions, today=today)
    for admission, problems in zip(admissions, check.problems):
        if problems:
            raise RuleViolation(ADMISSION_REFUSED.format(label=admission.label, problem=problems[0]), code="admission")
    now = timezone.now()
    enrollments = [
        Enrollment(
            user=admission.user,
            cohort=admission.cohort,
            role=admission.role,
            state=EnrollmentState.APPROVED,
            platform_preference=admission.platform_preference if admission.role == Role.MENTEE else "",
            applied_at=now,
            decided_at=now,
            decided_by=by,
            decision_note=note,
            **{name: admission.answers.get(name, "") for name in ANSWER_FIELDS},
        )
        for admission, in_place in zip(admissions, check.in_place)
        if not in_place
    ]
    # With history, as any other enrolment: the audit names who admitted them.
    return bulk_create_with_history(enrollments, Enrollment, batch_size=500, default_user=by, default_change_reason=note)


@transaction.atomic
def program_create(*, created_by, program: Program | None = None, **fields) -> Program:
    """Create a program (from fields, or an unsaved one the admin's form filled in);
    a coordinator who creates one runs it."""
    program = program if program is not None else Program(**fields)
    program.full_clean()
    program.save()
    if created_by is not None and not created_by.is_superuser:
        ProgramCoordinator.objects.get_or_create(program=program, user=created_by)
    return program


# ---------------------------------------------------------------------------
# The program year: cohorts and recurring events roll forward
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class ProgramCalendar:
    """What `program_year_roll_forward` found or made for one program."""

    program: Program
    running: Cohort  # the cohort of today's program year
    next: Cohort  # the next program year's, created ahead of time
    cohorts_created: list[Cohort]
    events_created: list[Event]


def _cohort_ensure(*, program: Program, year: int) -> tuple[Cohort, bool]:
    """The program's cohort for `year` (rules.cohort_year_plan), made if missing;
    one a coordinator made or changed under that name is kept as it is."""
    plan = rules.cohort_year_plan(program=program, year=year)
    name = plan.pop("name")
    try:
        with transaction.atomic():
            return Cohort.objects.get_or_create(program=program, name=name, defaults=plan)
    except IntegrityError:  # made by a run in parallel (the name is unique per program)
        return Cohort.objects.get(program=program, name=name), False


def _pattern_events_create(*, pattern: EventPattern, today: datetime.date, through: datetime.date) -> list[Event]:
    """The pattern's events from today (or the day after those already produced)
    to `through`, each month once: under the pattern's lock, and the database
    refuses a second event for a pattern's month (event_once_per_pattern_month)."""
    pattern = EventPattern.objects.select_for_update().select_related("program").get(pk=pattern.pk)
    start = today
    if pattern.events_created_through is not None:
        start = max(start, pattern.events_created_through + datetime.timedelta(days=1))
    if start > through or not pattern.is_active:
        return []
    produced = set(pattern.events.values_list("pattern_month", flat=True))
    zone = zoneinfo.ZoneInfo(pattern.time_zone)
    created = []
    for year in range(start.year, through.year + 1):
        for month in sorted(set(pattern.months)):
            first = datetime.date(year, month, 1)
            day = rules.pattern_day(
                year=year, month=month, week=pattern.week, weekday=pattern.weekday, day_of_month=pattern.day_of_month
            )
            if first in produced or not start <= day <= through:
                continue
            starts_at = datetime.datetime.combine(day, pattern.start_time, tzinfo=zone)
            event = Event(
                program=pattern.program,
                kind=pattern.kind,
                title=pattern.title_for(day),
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=pattern.duration_minutes),
                location=pattern.location,
                description=pattern.description,
                pattern=pattern,
                pattern_month=first,
            )
            event.save()
            created.append(event)
    # Bookkeeping, not a coordinator's change: no history row for it.
    EventPattern.objects.filter(pk=pattern.pk).update(events_created_through=through)
    return created


@transaction.atomic
def program_year_roll_forward(*, program: Program, today: datetime.date | None = None) -> ProgramCalendar:
    """Make sure the program's calendar reaches into the next program year, once
    however often it runs: the cohort running today and the next year's cohort
    with its enrolment window (rules.cohort_year_plan), and the events of the
    program's recurring events (EventPattern) from today to the end of the next
    year. Nothing that exists is changed; a pattern's month is produced once, so
    an event a coordinator moved or deleted stays so."""
    today = today or timezone.localdate()
    running, running_new = _cohort_ensure(program=program, year=today.year)
    upcoming, upcoming_new = _cohort_ensure(program=program, year=today.year + 1)
    through = datetime.date(today.year + 1, 12, 31)
    events = []
    for pattern in program.event_patterns.filter(is_active=True).order_by("pk"):
        events += _pattern_events_create(pattern=pattern, today=today, through=through)
    return ProgramCalendar(
        program=program,
        running=running,
        next=upcoming,
        cohorts_created=[c for c, new in ((running, running_new), (upcoming, upcoming_new)) if new],
        events_created=events,
    )


def program_calendar_ensure(*, program: Program, today: datetime.date | None = None) -> ProgramCalendar:
    """The demo seed's name for the roll-forward: `.running` and `.next` are the
    cohort of today's program year and the next one's."""
    return program_year_roll_forward(program=program, today=today)


def programs_roll_forward(*, today: datetime.date | None = None) -> dict:
    """The roll-forward for every active program, each in its own transaction
    (the daily beat task)."""
    today = today or timezone.localdate()
    cohorts = events = 0
    for program in Program.objects.filter(is_active=True).order_by("pk"):
        result = program_year_roll_forward(program=program, today=today)
        cohorts += len(result.cohorts_created)
        events += len(result.events_created)
    return {"cohorts_created": cohorts, "events_created": events}
