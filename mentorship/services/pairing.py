"""Who may be paired with whom: every rule of PROGRAMS.md about a pair, checked
under the people's locks by invitations, acceptance, coordinator pairing and match runs."""

import datetime

from django.utils import timezone

from programs import rules
from programs.errors import RuleViolation
from programs.models import Cohort, Enrollment, EnrollmentState, Program, Role
from programs.selectors import current_enrollment

from ..models import Mentorship, MentorshipState, Profile, User
from ..selectors.capacity import free_places, mentor_active_count
from ..selectors.pairing import ended_pairs, in_supervisor_chain, supervisors_of

# Messages a person can act on; tests assert against these.
NOT_SELF_SELECTION = (
    "In {program} mentees do not invite mentors themselves: {how} Contact the {coordinator} if you have questions."
)


INVITE_YOURSELF = "You cannot invite yourself to be your own mentor."


MENTEE_NOT_APPROVED = "{person} is not an approved mentee in {program}. Enrol or wait for approval first."


MENTOR_NOT_APPROVED = "{person} is not an approved mentor in {cohort}."


COHORT_CLOSED = "{cohort} is closed, so no new pairs can form in it."


MENTOR_AT_CAPACITY = "{mentor} already mentors {count} {people}, the most {program} allows. Choose another mentor."


# The same refusal as the mentor reads it (accepting an invitation while full).
YOU_ARE_AT_CAPACITY = (
    "You already mentor {count} {people}, the most {program} allows, so you cannot take on another mentee "
    "until one of your mentorships ends. You can decline this invitation."
)


MENTEE_HAS_MENTOR = (
    "{mentee} already has {count} {mentors} in {program}, the most the program allows at a time."
)


DUAL_ROLE = (
    "{program} does not allow one person to be a mentor and a mentee at once: {person} is already a {role} here."
)


SUPERVISOR_CHAIN = (
    "{mentor} is {mentee}'s first- or second-line supervisor, and {program} never pairs a mentee with their "
    "supervisor. Choose another mentor."
)


DUPLICATE_PENDING = "You have already invited {mentor}; the invitation is waiting for an answer."


ALREADY_PAIRED = "{mentor} and {mentee} are already paired in {program}."


PAIR_ENDED_BEFORE = "{mentor} and {mentee} were paired before in {program} and that mentorship ended."


PLATFORM_MISMATCH = "The {platform} platform pairs {mentee} with a mentor of {wanted} career level; {mentor} is not."


# Rules a coordinator may deliberately set aside, with a recorded reason.
SOFT_RULES = {"not_approved", "pair_ended", "platform"}


class MentorAtCapacity(RuleViolation):
    """The mentor has no free place. The refusal carries the facts, so each
    reader is told in their own words: the mentor "You already mentor…",
    a mentee or a coordinator the mentor's name."""

    def __init__(self, *, program: Program, mentor: User, count: int, reader: User | None = None):
        self.program, self.mentor, self.count, self.reader = program, mentor, count, reader
        people = _plural(count, "person", "people")
        if reader is not None and reader.pk == mentor.pk:
            message = YOU_ARE_AT_CAPACITY.format(count=count, people=people, program=program.short_name)
        else:
            message = MENTOR_AT_CAPACITY.format(mentor=mentor, count=count, people=people, program=program.short_name)
        super().__init__(message, code="mentor_full")

    def for_reader(self, reader: User | None) -> "MentorAtCapacity":
        return MentorAtCapacity(program=self.program, mentor=self.mentor, count=self.count, reader=reader)


def mentor_at_capacity(*, program: Program, mentor: User) -> MentorAtCapacity:
    """The refusal for a mentor with no free place, counting their active pairs now."""
    return MentorAtCapacity(program=program, mentor=mentor, count=mentor_active_count(program=program, mentor=mentor))


def _lock_people(*users: User) -> None:
    # Rows locked in primary-key order so two transactions never wait on each
    # other in a cycle (PostgreSQL); SQLite's IMMEDIATE transactions serialise.
    list(User.objects.select_for_update().filter(pk__in=sorted(u.pk for u in users)).order_by("pk").values("pk"))


def _approved(user: User, cohort: Cohort, role: str) -> bool:
    return Enrollment.objects.filter(user=user, cohort=cohort, role=role, state=EnrollmentState.APPROVED).exists()


def mentee_cohort(*, mentee: User, program: Program) -> Cohort | None:
    """The cohort of the person's current mentee enrolment (programs.selectors)."""
    enrollment = current_enrollment(user=mentee, program=program, role=Role.MENTEE)
    return enrollment.cohort if enrollment else None


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _check_pair(
    *, program: Program, cohort: Cohort, mentor: User, mentee: User, today: datetime.date, skip: frozenset = frozenset()
) -> None:
    """Raise RuleViolation for the first rule the pair would break.

    `skip` names soft rules a coordinator has set aside with a reason.
    """
    if mentor.pk == mentee.pk:
        raise RuleViolation(INVITE_YOURSELF, code="self")
    if cohort.program_id != program.pk:
        raise RuleViolation(COHORT_CLOSED.format(cohort=cohort), code="cohort")
    if not cohort.is_open_for_pairs(today):
        raise RuleViolation(COHORT_CLOSED.format(cohort=cohort), code="cohort_closed")
    if "not_approved" not in skip:
        if not _approved(mentee, cohort, Role.MENTEE):
            raise RuleViolation(
                MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name), code="not_approved"
            )
        if not _approved(mentor, cohort, Role.MENTOR):
            raise RuleViolation(MENTOR_NOT_APPROVED.format(person=mentor, cohort=cohort), code="not_approved")

    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE)
    if active.filter(mentor=mentor, mentee=mentee).exists():
        raise RuleViolation(ALREADY_PAIRED.format(mentor=mentor, mentee=mentee, program=program.short_name), code="paired")
    if not program.allows_dual_role:
        if active.filter(mentor=mentee).exists() or _approved_anywhere(mentee, program, Role.MENTOR, today):
            raise RuleViolation(
                DUAL_ROLE.format(program=program.short_name, person=mentee, role="mentor"), code="dual_role"
            )
        if active.filter(mentee=mentor).exists() or _approved_anywhere(mentor, program, Role.MENTEE, today):
            raise RuleViolation(
                DUAL_ROLE.format(program=program.short_name, person=mentor, role="mentee"), code="dual_role"
            )
    if program.excludes_supervisor_chain:
        chain = supervisors_of(mentees=[mentee.pk]).get(mentee.pk, (None, None))
        if in_supervisor_chain(mentor_id=mentor.pk, chain=chain):
            raise RuleViolation(
                SUPERVISOR_CHAIN.format(mentor=mentor, mentee=mentee, program=program.short_name), code="supervisor"
            )
    if "platform" not in skip and program.platforms:
        enrollment = Enrollment.objects.filter(
            user=mentee, cohort=cohort, role=Role.MENTEE, state=EnrollmentState.APPROVED
        ).first()
        platform = enrollment.platform_preference if enrollment else ""
        if platform:
            levels = dict(Profile.objects.filter(user__in=[mentor, mentee]).values_list("user_id", "career_level"))
            if not rules.platform_fits(
                platform=platform, mentee_level=levels.get(mentee.pk), mentor_level=levels.get(mentor.pk)
            ):
                from programs.models import Platform

                raise RuleViolation(
                    PLATFORM_MISMATCH.format(
                        platform=Platform(platform).label,
                        mentee=mentee,
                        mentor=mentor,
                        wanted="a more senior" if platform == Platform.SENIOR_TO_JUNIOR else "the same",
                    ),
                    code="platform",
                )
    if "pair_ended" not in skip and ended_pairs(program=program, mentors=[mentor.pk], mentees=[mentee.pk]):
        raise RuleViolation(
            PAIR_ENDED_BEFORE.format(mentor=mentor, mentee=mentee, program=program.short_name), code="pair_ended"
        )
    if not free_places(program=program, mentor=mentor):
        raise mentor_at_capacity(program=program, mentor=mentor)
    count = active.filter(mentee=mentee).count()
    if count >= program.max_mentors_per_mentee:
        raise RuleViolation(
            MENTEE_HAS_MENTOR.format(
                mentee=mentee, count=count, mentors=_plural(count, "mentor", "mentors"), program=program.short_name
            ),
            code="mentee_full",
        )


def _approved_anywhere(user: User, program: Program, role: str, today: datetime.date) -> bool:
    """Approved in this role in a cohort of the program that is still running on `today`."""
    return Enrollment.objects.filter(
        Cohort.running_q(today, via="cohort__"),
        user=user,
        cohort__program=program,
        role=role,
        state=EnrollmentState.APPROVED,
    ).exists()


def pair_check(*, program: Program, mentor: User, mentee: User, cohort: Cohort | None = None, today=None) -> None:
    """Public read-only check (for pages and matching): raises RuleViolation."""
    cohort = cohort or mentee_cohort(mentee=mentee, program=program)
    if cohort is None:
        raise RuleViolation(MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name), code="not_approved")
    _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=today or timezone.localdate())
