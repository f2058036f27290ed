"""The five programs ship with exactly the rule values of PROGRAMS.md."""

import pytest

from programs.models import MatchingMethod, Platform, Program

pytestmark = pytest.mark.django_db

SELF, AUTO, THIRD = MatchingMethod.SELF_SELECTION, MatchingMethod.AUTO, MatchingMethod.THIRD_PARTY

# One column per program, one row per rule, straight from the rule table in
# PROGRAMS.md ("silent" rows carry the default it names).
SLUGS = ["aahpm", "hpmsnj", "hhs", "wtap", "ky-connections"]
RULES = {
    # field: (AAHPM, HPMSNJ, HHS, WTAP, KY)
    "max_mentees_per_mentor": (2, 1, 5, 1, 1),
    "max_mentors_per_mentee": (1, 1, 1, 1, 1),
    "allows_dual_role": (False, False, True, False, False),
    "duration_months": (None, 12, 12, 36, None),
    "ends_with_cohort": (False, False, False, False, True),
    "extendable": (False, True, True, True, False),
    "checkin_interval_months": (1, 3, None, None, 1),
    "min_contact_minutes_per_month": (None, 60, None, None, 60),
    "reschedule_notice_hours": (48, None, None, None, None),
    "requires_discovery_call": (True, False, False, False, False),
    "requires_wrapup_call": (True, False, False, False, False),
    "early_end_after_months": (None, None, 3, None, None),
    "platforms": ([], [], [Platform.SENIOR_TO_JUNIOR, Platform.PEER_TO_PEER], [], []),
    "matching_methods": ([SELF], [THIRD], [AUTO, SELF, THIRD], [THIRD], [THIRD]),
    "requires_application_approval": (False, False, False, False, True),
    "excludes_supervisor_chain": (False, False, False, False, True),
    "fit_check_after_months": (None, None, None, None, 3),
    "sends_exit_survey": (True, False, False, False, False),
    "requires_agreement": (False, False, True, True, False),
    "goals_shared_after_discovery_call": (True, False, False, False, False),
    "goals_document_name": (
        "Mentoring Worksheet",
        "Goals and expectations",
        "IDP (Individual Development Plan)",
        "Developmental goals",
        "Connections Development Plan",
    ),
}
CASES = [(slug, field, values[i]) for field, values in RULES.items() for i, slug in enumerate(SLUGS)]


@pytest.mark.parametrize(("slug", "field", "expected"), CASES, ids=[f"{s}-{f}" for s, f, _ in CASES])
def test_seeded_rule_value(slug, field, expected):
    program = Program.objects.get(slug=slug)

    value = getattr(program, field)

    if isinstance(expected, list):
        assert sorted(value) == sorted(expected)
    else:
        assert value == expected


def test_exactly_the_five_programs_are_seeded():
    assert sorted(Program.objects.values_list("slug", flat=True)) == sorted(SLUGS)


def test_ky_caps_its_program_year_and_evaluates_after_a_year():
    ky = Program.objects.get(slug="ky-connections")

    # “The Connections Sponsors may initiate a cap”: the number is silent, but a cap is set.
    assert ky.participant_cap is not None and ky.participant_cap > 0
    assert ky.evaluation_after_months == 12


@pytest.mark.parametrize("slug", [s for s in SLUGS if s != "ky-connections"])
def test_only_ky_caps_participants(slug):
    assert Program.objects.get(slug=slug).participant_cap is None


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(
    "field", ["name", "short_name", "summary", "guidelines", "mentor_role", "mentee_role", "not_for", "coordinator_title"]
)
def test_participants_have_texts_to_read(slug, field):
    assert getattr(Program.objects.get(slug=slug), field).strip()


@pytest.mark.parametrize("slug", SLUGS)
def test_seeded_programs_pass_their_own_validation(slug):
    program = Program.objects.get(slug=slug)

    program.full_clean()


@pytest.mark.parametrize(
    ("slug", "phrase"),
    [
        ("aahpm", "48 hours' notice"),
        ("aahpm", "not take on more than two mentees"),
        ("hhs", "up to 5 mentoring relationships"),
        ("hhs", "after 3 months"),
        ("ky-connections", "first or second-line supervisor"),
        ("hpmsnj", "does not guarantee"),
    ],
)
def test_texts_quote_the_source_documents(slug, phrase):
    program = Program.objects.get(slug=slug)

    assert phrase in "\n".join([program.guidelines, program.mentor_role, program.mentee_role])
