"""Every change to enrolment goes through here: site, admin and commands alike."""

from django.db import transaction
from django.utils import timezone

from .errors import RuleViolation
from .models import (
    LIVE_ENROLLMENT_STATES,
    Cohort,
    Enrollment,
    EnrollmentState,
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
    if cohort.program.allows_dual_role:
        return
    other = (
        Enrollment.objects.filter(user=user, cohort=cohort, state__in=LIVE_ENROLLMENT_STATES).exclude(role=role).first()
    )
    if other:
        raise RuleViolation(
            DUAL_ROLE_NOT_ALLOWED.format(
                program=cohort.program.short_name, cohort=cohort, other_role=other.get_role_display().lower()
            ),
            code="dual_role",
        )


def _check_window(cohort: Cohort, today) -> None:
    if cohort.is_closed or today > cohort.ends_on:
        raise RuleViolation(COHORT_CLOSED.format(cohort=cohort), code="cohort_closed")
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


def _cap_reached(cohort: Cohort) -> bool:
    cap = cohort.effective_participant_cap
    if cap is None:
        return False
    return cohort.enrollments.filter(state=EnrollmentState.APPROVED).count() >= cap


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
    _check_window(cohort, today)
    role = Role(role)

    existing = Enrollment.objects.filter(user=user, cohort=cohort)
    same_role = existing.filter(role=role).first()
    if same_role and same_role.state in LIVE_ENROLLMENT_STATES:
        raise RuleViolation(ALREADY_ENROLLED.format(cohort=cohort, role=role.label.lower()), code="duplicate")
    enrollment_check_dual_role(user=user, cohort=cohort, role=role)
    if role == Role.MENTEE and program.platforms:
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
    elif role == Role.MENTOR:
        platform_preference = ""

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


@transaction.atomic
def program_create(*, created_by, **fields) -> Program:
    """Create a program; a coordinator who creates one runs it."""
    program = Program(**fields)
    program.full_clean()
    program.save()
    if created_by is not None and not created_by.is_superuser:
        ProgramCoordinator.objects.get_or_create(program=program, user=created_by)
    return program
