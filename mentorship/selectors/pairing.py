"""What the pairing rules read about people and past pairs, for one pair (the
pair check in services/pairing.py) and for a whole pool (matching's features)
alike, so both apply the same rule to the same data.
"""

from programs import rules

from ..models import Mentorship, MentorshipState, Profile


def supervisors_of(*, mentees=None, first_lines: dict | None = None) -> dict[int, tuple[int | None, int | None]]:
    """{mentee id: (first-line, second-line supervisor id)} for mentees given as
    ids or a subquery of ids, or by their first-line supervisors when the caller
    has read their profiles already. One or two queries whatever their number."""
    first = (
        first_lines
        if first_lines is not None
        else dict(Profile.objects.filter(user_id__in=mentees).values_list("user_id", "supervisor_id"))
    )
    second = dict(
        Profile.objects.filter(user_id__in={boss for boss in first.values() if boss}).values_list(
            "user_id", "supervisor_id"
        )
    )
    return {mentee: (boss, second.get(boss)) for mentee, boss in first.items()}


def in_supervisor_chain(*, mentor_id: int, chain: tuple[int | None, int | None]) -> bool:
    """KY: "Mentor shall not be the mentee's first or second-line supervisor"."""
    first_line, second_line = chain
    return rules.is_supervisor_chain(mentor_id=mentor_id, first_line_id=first_line, second_line_id=second_line)


def ended_pairs(*, program, mentors, mentees) -> set[tuple[int, int]]:
    """(mentor id, mentee id) of the pairs that formed in the program before and
    ended: they are not proposed or formed again without a coordinator's reason."""
    return set(
        Mentorship.objects.filter(program=program, mentor_id__in=mentors, mentee_id__in=mentees)
        .exclude(state=MentorshipState.ACTIVE)
        .values_list("mentor_id", "mentee_id")
    )
