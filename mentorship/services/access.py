"""Who may change a mentorship: one of the pair, or the program's coordinator.

Every service that acts on an existing pair asks here, so "is this person one
of the pair" and "has the pair ended" are decided in one place
(`Mentorship.role_of`). Each area words the refusal for its own page: the
meeting, agreement and goals services pass their messages.
"""

from programs.errors import RuleViolation
from programs.selectors import coordinated_program_ids

from ..models import Mentorship, MentorshipState, User

ONLY_THE_PAIR = "Only the mentor and the mentee of this mentorship can do that."
MENTORSHIP_ENDED = "This mentorship has ended."
ONLY_THE_PAIR_OR_COORDINATOR = "Only the pair or their coordinator can do that."
ONLY_THE_COORDINATOR = "Only the program's coordinator can do that."


def partner_check(
    *,
    mentorship: Mentorship,
    by: User,
    role: str | None = None,
    active: bool = True,
    refusal: str = ONLY_THE_PAIR,
    ended: str = MENTORSHIP_ENDED,
) -> str:
    """The role ("mentor" or "mentee") `by` has in the pair.

    Refuses anyone else (with `refusal`), a partner in the other role when
    `role` is given, and, when `active`, a pair that has ended (with `ended`).
    """
    mine = mentorship.role_of(by)
    if mine is None or (role is not None and mine != role):
        raise RuleViolation(refusal, code="forbidden")
    if active and mentorship.state != MentorshipState.ACTIVE:
        raise RuleViolation(ended, code="ended")
    return mine


def is_coordinator_of(*, user: User, program) -> bool:
    return program.pk in coordinated_program_ids(user=user)


def partner_or_coordinator(*, mentorship: Mentorship, by: User) -> str | None:
    """The partner's role, None for the program's coordinator; refuses anyone else."""
    role = mentorship.role_of(by)
    if role is None and not is_coordinator_of(user=by, program=mentorship.program):
        raise RuleViolation(ONLY_THE_PAIR_OR_COORDINATOR, code="forbidden")
    return role

