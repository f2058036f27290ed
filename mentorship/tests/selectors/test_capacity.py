"""selectors.capacity: one reading of a mentor's free places, for pages, rules and pools."""

import pytest
from django.urls import reverse

from matching.features import build_pool
from mentorship.models import User
from mentorship.selectors import capacity
from mentorship.tests.builders import cohort_of, fill, mentee_in, mentor_in

pytestmark = pytest.mark.django_db


def test_free_places_count_active_pairs_against_the_programs_cap():
    cohort = cohort_of("hhs")  # HHS: up to 5 at a time
    busy, idle = mentor_in(cohort), mentor_in(cohort)
    fill(cohort, busy, 3)
    program = cohort.program

    assert capacity.free_places(program=program, mentor=busy) == 2
    assert capacity.free_places_by_mentor(program=program, mentors=[busy.pk, idle.pk]) == {busy.pk: 2, idle.pk: 5}
    annotated = capacity.with_free_places(User.objects.filter(pk__in=[busy.pk, idle.pk]), program).order_by("pk")
    assert {m.pk: (m.active_count, m.free_places) for m in annotated} == {busy.pk: (3, 2), idle.pk: (0, 5)}


def test_a_cap_lowered_below_a_mentors_pairs_leaves_no_place_not_a_negative_one(client):
    cohort = cohort_of("hhs")
    mentor = mentor_in(cohort)
    fill(cohort, mentor, 3)
    program = cohort.program
    program.max_mentees_per_mentor = 2
    program.save()

    assert capacity.free_places(program=program, mentor=mentor) == 0
    # Everyone who reads them agrees: the pool, the directory's badge and its "free" filter.
    pool = build_pool(program=program, cohort=cohort)
    assert pool.pool.mentor_capacity[pool.mentor_ids.index(mentor.pk)] == 0
    client.force_login(mentee_in(cohort))
    page = client.get(reverse("directory:list", args=[program.slug])).content.decode()
    assert "0 of 2 places free" in page
    free_only = client.get(reverse("directory:list", args=[program.slug]), {"free": "on"}).content.decode()
    assert mentor.display_name not in free_only
