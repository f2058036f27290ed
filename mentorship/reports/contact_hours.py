"""Contact hours per participant per program year (KY documents them for state employees)."""

import datetime
from collections import defaultdict

from programs.rules import add_months

from ..models import Meeting, MeetingStatus
from ..selectors.compliance import _local_day, _month_start

CONTACT_HOURS_HEADER = [
    "Program",
    "Program year",
    "Participant",
    "Email",
    "Role",
    "Organisation unit",
    "Partners",
    "Meetings held",
    "Minutes",
    "Hours",
]


def contact_hours_table(*, mentorships) -> tuple[list[str], list[list]]:
    """One row per participant per program year (cohort): held meetings, minutes
    and hours in total and per month of the program year. Two queries."""

    mentorships = list(
        mentorships.select_related("program", "cohort", "mentor__profile", "mentee__profile").order_by(
            "program__name", "cohort__starts_on", "pk"
        )
    )
    ids = [m.pk for m in mentorships]
    per_mentorship: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for mentorship_id, starts_at, minutes in Meeting.objects.filter(
        mentorship_id__in=ids, status=MeetingStatus.HELD
    ).values_list("mentorship_id", "starts_at", "duration_minutes"):
        per_mentorship[mentorship_id].append((_local_day(starts_at), minutes))

    all_months: set[datetime.date] = set()
    cohort_months: dict[int, list[datetime.date]] = {}
    for m in mentorships:
        if m.cohort_id in cohort_months:
            continue
        months, month = [], _month_start(m.cohort.starts_on)
        while month <= m.cohort.ends_on:
            months.append(month)
            month = add_months(month, 1)
        cohort_months[m.cohort_id] = months
        all_months.update(months)
    columns = sorted(all_months)

    groups: dict[tuple, dict] = {}
    for m in mentorships:
        for role, person, partner in (("Mentor", m.mentor, m.mentee), ("Mentee", m.mentee, m.mentor)):
            key = (m.cohort_id, person.pk, role)
            group = groups.setdefault(
                key,
                {
                    "mentorship": m,
                    "person": person,
                    "role": role,
                    "partners": [],
                    "meetings": 0,
                    "minutes": 0,
                    "by_month": defaultdict(int),
                },
            )
            group["partners"].append(partner.get_full_name() or partner.email)
            for day, minutes in per_mentorship.get(m.pk, []):
                group["meetings"] += 1
                group["minutes"] += minutes
                group["by_month"][_month_start(day)] += minutes

    rows = []
    for group in groups.values():
        m, person = group["mentorship"], group["person"]
        profile = getattr(person, "profile", None)
        in_year = set(cohort_months[m.cohort_id])
        row = [
            m.program.short_name,
            m.cohort.name,
            person.get_full_name() or person.email,
            person.email,
            group["role"],
            profile.org_unit if profile else "",
            "; ".join(sorted(group["partners"])),
            group["meetings"],
            group["minutes"],
            round(group["minutes"] / 60, 2),
        ]
        row += [round(group["by_month"].get(month, 0) / 60, 2) if month in in_year else "" for month in columns]
        rows.append(row)
    rows.sort(key=lambda r: (r[0], r[1], str(r[2]).casefold(), r[4]))
    header = CONTACT_HOURS_HEADER + [f"{month:%Y-%m} hours" for month in columns]
    return header, rows
