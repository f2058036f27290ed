"""“Suggested for you” scores against a per-process cached pool that follows every change."""

import pytest

from matching import features, services
from mentorship import services as mentorship_services
from mentorship.models import Skill
from programs.models import Program, Role

from .test_services import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """Count how often the program's pool is built from the database."""
    calls = []
    real = features.build_pool

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(features, "build_pool", counting)
    return calls


@pytest.fixture
def aahpm_cohort():
    from programs.tests.factories import CohortFactory

    return CohortFactory(program=Program.objects.get(slug="aahpm"))  # a mentor takes at most 2 mentees


def ranked(cohort, mentee):
    return [row["mentor"] for row in services.ranked_mentors(program=cohort.program, mentee=mentee, limit=10)]


def test_pool_is_built_once_while_nothing_changes(aahpm_cohort, builds):
    mentee = person(aahpm_cohort, Role.MENTEE, needs=["Budgeting"])
    other = person(aahpm_cohort, Role.MENTEE, needs=["Budgeting", "Negotiation"])
    mentor = person(aahpm_cohort, Role.MENTOR, skills=["Budgeting"])

    assert ranked(aahpm_cohort, mentee) == [mentor]
    assert ranked(aahpm_cohort, mentee) == [mentor]
    assert ranked(aahpm_cohort, other) == [mentor]
    assert len(builds) == 1


def test_a_mentor_who_fills_up_leaves_the_suggestions_at_once(aahpm_cohort, builds):
    mentee = person(aahpm_cohort, Role.MENTEE, needs=["Budgeting", "Negotiation"])
    full = person(aahpm_cohort, Role.MENTOR, skills=["Budgeting", "Negotiation"])
    other = person(aahpm_cohort, Role.MENTOR, skills=["Negotiation"])
    assert ranked(aahpm_cohort, mentee) == [full, other]

    for _ in range(2):
        paired = person(aahpm_cohort, Role.MENTEE)
        mentorship_services.mentorship_create(program=aahpm_cohort.program, cohort=aahpm_cohort, mentor=full, mentee=paired, by=None)

    assert ranked(aahpm_cohort, mentee) == [other]
    assert len(builds) == 2  # two new enrolments and two pairs, one rebuild at the next request


def test_an_ended_mentorship_frees_the_place_again(aahpm_cohort):
    mentee = person(aahpm_cohort, Role.MENTEE, needs=["Budgeting"])
    mentor = person(aahpm_cohort, Role.MENTOR, skills=["Budgeting"])
    pairs = [
        mentorship_services.mentorship_create(
            program=aahpm_cohort.program, cohort=aahpm_cohort, mentor=mentor, mentee=person(aahpm_cohort, Role.MENTEE), by=None
        )
        for _ in range(2)
    ]
    assert ranked(aahpm_cohort, mentee) == []

    mentorship_services.mentorship_end(mentorship=pairs[0], by=mentor, reason="Moved on")

    assert ranked(aahpm_cohort, mentee) == [mentor]


def test_new_mentors_and_profile_edits_are_seen(aahpm_cohort):
    mentee = person(aahpm_cohort, Role.MENTEE, needs=["Budgeting", "Negotiation"])
    first = person(aahpm_cohort, Role.MENTOR, skills=["Negotiation"])
    assert ranked(aahpm_cohort, mentee) == [first]

    second = person(aahpm_cohort, Role.MENTOR, skills=["Budgeting", "Negotiation"])
    assert ranked(aahpm_cohort, mentee) == [second, first]

    # The first mentor now offers what the mentee needs, and more (saved as the profile form does).
    profile = first.profile
    profile.headline = "Budgeting and negotiation"
    profile.save()
    profile.skills_offered.set([Skill.objects.get_or_create(name=n)[0] for n in ("Budgeting", "Negotiation")])
    profile.leadership_position = True
    profile.save()
    top = services.ranked_mentors(program=aahpm_cohort.program, mentee=mentee, limit=10)
    assert [row["mentor"] for row in top] == [first, second]
    assert any("Budgeting" in reason for reason in top[0]["reasons"])


def test_pools_invalidate_rebuilds(aahpm_cohort, builds):
    mentee = person(aahpm_cohort, Role.MENTEE, needs=["Budgeting"])
    person(aahpm_cohort, Role.MENTOR, skills=["Budgeting"])
    ranked(aahpm_cohort, mentee)
    features.pools_invalidate()
    ranked(aahpm_cohort, mentee)
    assert len(builds) == 2
