"""The rules of a mentorship's term, as pure functions of a program's fields:
the day the program ends a pair, when it asks “extend or close”, when WTAP asks
“continue or end”; and the seeded programs' values."""

import datetime

import pytest

from programs import rules
from programs.models import Program

pytestmark = pytest.mark.django_db

D = datetime.date


def program(slug: str) -> Program:
    return Program.objects.get(slug=slug)


@pytest.mark.parametrize(
    "slug, closing, expected",
    [
        ("ky-connections", False, D(2026, 12, 31)),  # ends with the program year
        ("aahpm", False, D(2026, 12, 31)),  # at the agreed duration
        ("hpmsnj", False, D(2027, 1, 14)),  # unanswered: 14 days' grace
        ("hhs", True, D(2026, 12, 31)),  # both chose to close: at the planned end
    ],
)
def test_the_day_the_program_ends_a_pair(slug, closing, expected):
    assert (
        rules.end_due_on(program=program(slug), planned_end_on=D(2026, 12, 31), both_chose_to_close=closing) == expected
    )


def test_no_planned_end_no_end():
    assert rules.end_due_on(program=program("aahpm"), planned_end_on=None) is None


def test_extend_or_close_is_asked_where_pairs_may_extend_30_days_ahead():
    assert rules.extension_asked_from(program=program("hpmsnj"), planned_end_on=D(2027, 1, 12)) == D(2026, 12, 13)
    assert rules.extension_asked_from(program=program("ky-connections"), planned_end_on=D(2026, 12, 31)) is None
    assert rules.extension_asked_from(program=program("wtap"), planned_end_on=None) is None


def test_only_wtap_asks_to_continue_at_its_evaluation():
    assert rules.continuation_asked_on(program=program("wtap"), started_on=D(2026, 1, 31)) == D(2026, 7, 31)
    for slug in ("aahpm", "hpmsnj", "hhs", "ky-connections"):
        assert rules.continuation_asked_on(program=program(slug), started_on=D(2026, 1, 31)) is None


def test_the_seeded_programs_ship_the_silent_defaults():
    for p in Program.objects.filter(slug__in=["aahpm", "hpmsnj", "hhs", "wtap", "ky-connections"]):
        assert (p.extension_ask_days, p.extension_grace_days, p.extension_months) == (30, 14, 12)
        assert p.evaluation_asks_to_continue == (p.slug == "wtap")


@pytest.mark.parametrize(
    "started, today, months",
    [(D(2026, 1, 31), D(2026, 2, 27), 0), (D(2026, 1, 31), D(2026, 2, 28), 1), (D(2026, 1, 5), D(2027, 1, 4), 11)],
)
def test_months_completed(started, today, months):
    assert rules.months_completed(started_on=started, today=today) == months
