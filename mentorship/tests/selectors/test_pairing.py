"""selectors/pairing.py: the pair check and matching's pools read the supervisor
chain and past pairs the same way, so they refuse the same pairs."""

import numpy as np
import pytest

from matching.features import build_pool
from mentorship import services
from mentorship.models import Profile
from mentorship.tests.builders import cohort_of, mentee_in, mentor_in, pair
from programs.errors import RuleViolation

pytestmark = pytest.mark.django_db


def refused_by_the_pair_check(cohort, mentor, mentee) -> str | None:
    try:
        services.pair_check(program=cohort.program, mentor=mentor, mentee=mentee, cohort=cohort)
    except RuleViolation as error:
        return error.code
    return None


def forbidden_in_the_pool(cohort, mentor, mentee) -> bool:
    built = build_pool(program=cohort.program, cohort=cohort)
    i, j = built.mentee_ids.index(mentee.pk), built.mentor_ids.index(mentor.pk)
    rows, cols = built.pool.forbidden
    return bool(np.any((rows == i) & (cols == j)))


def test_ky_first_and_second_line_supervisors_are_refused_by_both():
    cohort = cohort_of("ky-connections")
    first_line, second_line, stranger = mentor_in(cohort), mentor_in(cohort), mentor_in(cohort)
    mentee = mentee_in(cohort)
    Profile.objects.filter(user=mentee).update(supervisor=first_line)
    Profile.objects.filter(user=first_line).update(supervisor=second_line)

    for boss in (first_line, second_line):
        assert refused_by_the_pair_check(cohort, boss, mentee) == "supervisor"
        assert forbidden_in_the_pool(cohort, boss, mentee)
    assert refused_by_the_pair_check(cohort, stranger, mentee) is None
    assert not forbidden_in_the_pool(cohort, stranger, mentee)


def test_a_pair_that_ended_is_refused_by_both():
    cohort = cohort_of("hhs")
    mentor, mentee = mentor_in(cohort), mentee_in(cohort)
    ended = pair(cohort, mentor, mentee)
    services.mentorship_end(mentorship=ended, by=mentee, reason="Not a fit.", today=ended.started_on.replace(year=ended.started_on.year + 1))

    assert refused_by_the_pair_check(cohort, mentor, mentee) == "pair_ended"
    assert forbidden_in_the_pool(cohort, mentor, mentee)
