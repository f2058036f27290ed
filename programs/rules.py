"""The rule checks: pure functions of a program's rule fields and plain values.

Services in every app call these, so a rule is written once and can be tested
without a database.
"""

import calendar
import datetime

from .models import Platform, Program


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_completed(*, started_on: datetime.date, today: datetime.date) -> int:
    """Whole months from `started_on` to `today` (0 before the first monthly anniversary)."""
    months = (today.year - started_on.year) * 12 + today.month - started_on.month
    n = max(months, 0)
    while n > 0 and add_months(started_on, n) > today:
        n -= 1
    return n


def pattern_day(
    *, year: int, month: int, week: int | None = None, weekday: int | None = None, day_of_month: int | None = None
) -> datetime.date:
    """The day a recurring event falls on in a month: a fixed day (clamped to the
    month's end), or the nth weekday (week 1-4; 5 = the last one). Weekdays count
    from Monday = 0."""
    last = calendar.monthrange(year, month)[1]
    if day_of_month:
        return datetime.date(year, month, min(day_of_month, last))
    if week == 5:
        end = datetime.date(year, month, last)
        return end - datetime.timedelta(days=(end.weekday() - weekday) % 7)
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7, weeks=week - 1)


def cohort_year_plan(*, program: Program, year: int) -> dict:
    """The cohort a program takes in for `year`, as Cohort fields.

    A program whose mentorships end with the program year (KY: “begin annually in
    January and conclude in December”) has a cohort per calendar year, named
    “2026”; applications open on 1 November before it (pairings are announced at
    the January kick-off) and close when it ends. Every other program takes in a
    cohort a year, named “2026–2027”, that runs two years so a one-year
    mentorship begun late in the intake year can finish in it; people enrol
    during its intake year.
    """
    if program.ends_with_cohort:
        return {
            "name": str(year),
            "starts_on": datetime.date(year, 1, 1),
            "ends_on": datetime.date(year, 12, 31),
            "enrolment_opens_on": datetime.date(year - 1, 11, 1),
            "enrolment_closes_on": datetime.date(year, 12, 31),
        }
    return {
        "name": f"{year}–{year + 1}",
        "starts_on": datetime.date(year, 1, 1),
        "ends_on": datetime.date(year + 1, 12, 31),
        "enrolment_opens_on": datetime.date(year, 1, 1),
        "enrolment_closes_on": datetime.date(year, 12, 31),
    }


def planned_end(*, program: Program, cohort_ends_on: datetime.date, started_on: datetime.date) -> datetime.date | None:
    """HPMSNJ/HHS 12 months, WTAP 36; KY the end of the program year; AAHPM agreed per pair (None)."""
    if program.duration_months:
        return add_months(started_on, program.duration_months)
    if program.ends_with_cohort:
        return cohort_ends_on
    return None


def end_due_on(
    *, program: Program, planned_end_on: datetime.date | None, both_chose_to_close: bool = False
) -> datetime.date | None:
    """The day the program ends a live pair by itself: its last day. None = no planned end yet
    (AAHPM, until the pair records the duration it agreed at the discovery call).

    KY ends every pair with its program year, AAHPM at the agreed duration: at the
    planned end. Where pairs may extend (HPMSNJ, HHS, WTAP) a pair that has not
    answered “extend or close” is kept for the program's grace days past it; one
    whose partners both chose to close ends at the planned end.
    """
    if planned_end_on is None:
        return None
    if not program.extendable or both_chose_to_close:
        return planned_end_on
    return planned_end_on + datetime.timedelta(days=program.extension_grace_days)


def extension_asked_from(*, program: Program, planned_end_on: datetime.date | None) -> datetime.date | None:
    """The first day both partners are asked “extend or close” (HPMSNJ: “can expand
    beyond one year, depending on … the desire to continue”); None where the program
    does not extend or the pair has no planned end."""
    if not program.extendable or planned_end_on is None:
        return None
    return planned_end_on - datetime.timedelta(days=program.extension_ask_days)


def continuation_asked_on(*, program: Program, started_on: datetime.date) -> datetime.date | None:
    """WTAP: “After an initial period, the relations will be evaluated and mutually
    agreed to end or continue”: the day both partners are asked, None where the
    program asks nothing of the pair at its evaluation (KY and HHS send a form)."""
    if not program.evaluation_asks_to_continue or not program.evaluation_after_months:
        return None
    return add_months(started_on, program.evaluation_after_months)


def duration_agreed_per_pair(*, program: Program) -> bool:
    """AAHPM: no duration set by the program, and not the program year either:
    the pair agrees it (at the discovery call) and records it."""
    return not program.duration_months and not program.ends_with_cohort


def early_end_allowed_from(*, program: Program, started_on: datetime.date) -> datetime.date | None:
    """The first day either partner may end the mentorship; None = any time.

    HHS: “after 3 months, either partner may terminate the relationship”.
    """
    if not program.early_end_after_months:
        return None
    return add_months(started_on, program.early_end_after_months)


def is_supervisor_chain(*, mentor_id: int, first_line_id: int | None, second_line_id: int | None) -> bool:
    """KY: “Mentor shall not be the mentee's first or second-line supervisor.”"""
    return mentor_id is not None and mentor_id in {first_line_id, second_line_id} - {None}


def platform_fits(*, platform: str, mentee_level: int | None, mentor_level: int | None) -> bool:
    """HHS: Senior-to-Junior pairs with a mentor of senior career level (above the
    mentee's); Peer-to-Peer with a mentor of equivalent career level."""
    if not platform:
        return True
    if mentee_level is None or mentor_level is None:
        return False
    if platform == Platform.SENIOR_TO_JUNIOR:
        return mentor_level > mentee_level
    if platform == Platform.PEER_TO_PEER:
        return mentor_level == mentee_level
    return True


def second_role_allowed(*, program: Program, held: set[str], role: str) -> bool:
    """May a person who holds `held` roles (live enrolments in a cohort) take `role` too?
    HHS: "participants can serve simultaneously as a mentor and mentee"; where the
    program does not allow it (WTAP pairs a more skilled with a less skilled
    worker), one role only."""
    return program.allows_dual_role or not (set(held) - {role})


def free_slot(*, used: set[int], cap: int) -> int | None:
    """The lowest numbered place below the cap that no active mentorship holds."""
    for slot in range(1, cap + 1):
        if slot not in used:
            return slot
    return None
