"""The recurring events the source documents name, as patterns the program-year
roll-forward (programs.services.program_year_roll_forward) turns into events every
year, with the titles, days and times 0004_seed_events used for the first year.

KY Connections (seeds/004): “at least one event per month which includes
regular KY IPMA-HR meetings (March, June, September, and December), Connections
social/teambuilding after-hours events (January Kick-off, April, July, and
October), and Connections Lunch and Learn gatherings (February, May, and
August, and November)”.

HPMSNJ (seeds/001): “one mentor/mentee event … most likely a dinner … for
October event”, organised by the mentorship committee.

The documents give months, not days or times: each event is on the third
Thursday of its month at a time that suits its kind, for the coordinators to
correct in the admin. The events 0004 created are attached to their pattern, so
the roll-forward does not make them a second time.
"""

import datetime
import zoneinfo

from django.db import migrations

THIRD, THURSDAY = 3, 3
PLACEHOLDER = (
    "\n\nThe date and time follow the program's recurring event (the program documents name the month only); "
    "the {who} confirm the details."
)

PATTERNS = {
    "ky-connections": (
        "America/Kentucky/Louisville",
        "Connections Sponsors",
        [
            (
                "kick_off",
                "Connections Mentoring Kick-off ({month})",
                [1],
                (17, 30),
                120,
                "The initial Connections Mentoring Kick-off event for all Mentors and Mentees, where Connections "
                "participants learn their pairings, review guidelines, set expectations, and learn more about "
                "mentoring. A Connections social/teambuilding after-hours event.",
            ),
            (
                "social",
                "Connections social ({month})",
                [4, 7, 10],
                (17, 30),
                120,
                "A Connections social/teambuilding after-hours event.",
            ),
            (
                "lunch_and_learn",
                "Connections Lunch and Learn ({month})",
                [2, 5, 8, 11],
                (12, 0),
                60,
                "A Connections Lunch and Learn gathering.",
            ),
            (
                "chapter_meeting",
                "KY IPMA-HR chapter meeting ({month})",
                [3, 6, 9, 12],
                (9, 0),
                120,
                "A regular KY IPMA-HR chapter meeting; Connections participants are expected to attend.",
            ),
        ],
    ),
    "hpmsnj": (
        "America/New_York",
        "mentorship committee",
        [
            (
                "annual_dinner",
                "HPMSNJ annual mentor/mentee dinner",
                [10],
                (18, 0),
                180,
                "The annual mentor/mentee event, most likely a dinner, organised by the mentorship committee; date "
                "and time details are sent in early summer. Mentees are expected to attend, and the committee gives "
                "HPMSNJ members an update on the program at the event.",
            ),
        ],
    ),
}


def seed(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    EventPattern = apps.get_model("programs", "EventPattern")
    Event = apps.get_model("programs", "Event")
    for slug, (zone, who, patterns) in PATTERNS.items():
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            continue
        for kind, title, months, (hour, minute), minutes, text in patterns:
            pattern, _ = EventPattern.objects.get_or_create(
                program=program,
                kind=kind,
                title=title,
                defaults={
                    "months": months,
                    "week": THIRD,
                    "weekday": THURSDAY,
                    "start_time": datetime.time(hour, minute),
                    "duration_minutes": minutes,
                    "time_zone": zone,
                    "description": text + PLACEHOLDER.format(who=who),
                },
            )
            # 0004's events: same program, kind and title, in one of the months.
            for event in Event.objects.filter(program=program, kind=kind, pattern__isnull=True):
                local = event.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
                if local.month in months and event.title == title.format(month=f"{local:%B}", year=local.year):
                    month = datetime.date(local.year, local.month, 1)
                    if not Event.objects.filter(pattern=pattern, pattern_month=month).exists():
                        Event.objects.filter(pk=event.pk).update(pattern=pattern, pattern_month=month)


def unseed(apps, schema_editor):
    EventPattern = apps.get_model("programs", "EventPattern")
    EventPattern.objects.filter(program__slug__in=PATTERNS).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0007_event_patterns")]

    operations = [migrations.RunPython(seed, unseed)]
