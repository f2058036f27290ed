"""The program year's events the source documents name, in the year the site is set up.

KY Connections (seeds/004): “at least one event per month which includes
regular KY IPMA-HR meetings (March, June, September, and December), Connections
social/teambuilding after-hours events (January Kick-off, April, July, and
October), and Connections Lunch and Learn gatherings (February, May, and
August, and November)”.

HPMSNJ (seeds/001): “one mentor/mentee event … most likely a dinner … for
October event”, organised by the mentorship committee.

The documents give months, not days or times: each event is put on the third
Thursday of its month at a time that suits its kind (after hours for socials,
midday for lunch-and-learns), and says so, for the coordinators to correct in
the admin.
"""

import datetime
import zoneinfo

from django.db import migrations

KY_ZONE = zoneinfo.ZoneInfo("America/Kentucky/Louisville")
NJ_ZONE = zoneinfo.ZoneInfo("America/New_York")
PLACEHOLDER = (
    "\n\nThe date and time were set when the program year was seeded (the program documents name the month only); "
    "the {who} confirm the details."
)

KICK_OFF = (
    "kick_off",
    "Connections Mentoring Kick-off",
    (17, 30),
    (19, 30),
    "The initial Connections Mentoring Kick-off event for all Mentors and Mentees, where Connections participants "
    "learn their pairings, review guidelines, set expectations, and learn more about mentoring. A Connections "
    "social/teambuilding after-hours event.",
)
SOCIAL = (
    "social",
    "Connections social",
    (17, 30),
    (19, 30),
    "A Connections social/teambuilding after-hours event.",
)
LUNCH = (
    "lunch_and_learn",
    "Connections Lunch and Learn",
    (12, 0),
    (13, 0),
    "A Connections Lunch and Learn gathering.",
)
CHAPTER = (
    "chapter_meeting",
    "KY IPMA-HR chapter meeting",
    (9, 0),
    (11, 0),
    "A regular KY IPMA-HR chapter meeting; Connections participants are expected to attend.",
)
KY_MONTHS = {
    1: KICK_OFF,
    2: LUNCH,
    3: CHAPTER,
    4: SOCIAL,
    5: LUNCH,
    6: CHAPTER,
    7: SOCIAL,
    8: LUNCH,
    9: CHAPTER,
    10: SOCIAL,
    11: LUNCH,
    12: CHAPTER,
}
HPMSNJ_DINNER = (
    "annual_dinner",
    "HPMSNJ annual mentor/mentee dinner",
    (18, 0),
    (21, 0),
    "The annual mentor/mentee event, most likely a dinner, organised by the mentorship committee; date and time "
    "details are sent in early summer. Mentees are expected to attend, and the committee gives HPMSNJ members an "
    "update on the program at the event.",
)


def third_thursday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    first_thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + datetime.timedelta(weeks=2)


def planned(year: int):
    """(program slug, zone, who confirms, month, spec) for every seeded event."""
    for month, spec in KY_MONTHS.items():
        yield "ky-connections", KY_ZONE, "Connections Sponsors", month, spec
    yield "hpmsnj", NJ_ZONE, "mentorship committee", 10, HPMSNJ_DINNER


def seed(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Event = apps.get_model("programs", "Event")
    year = datetime.date.today().year
    programs = {p.slug: p for p in Program.objects.filter(slug__in=["ky-connections", "hpmsnj"])}
    for slug, zone, who, month, (kind, title, start, end, text) in planned(year):
        program = programs.get(slug)
        if program is None:
            continue
        day = third_thursday(year, month)
        starts_at = datetime.datetime.combine(day, datetime.time(*start), tzinfo=zone)
        Event.objects.get_or_create(
            program=program,
            kind=kind,
            starts_at=starts_at,
            defaults={
                "title": f"{title} ({day:%B})" if slug == "ky-connections" else title,
                "ends_at": datetime.datetime.combine(day, datetime.time(*end), tzinfo=zone),
                "description": text + PLACEHOLDER.format(who=who),
            },
        )


def unseed(apps, schema_editor):
    Event = apps.get_model("programs", "Event")
    year = datetime.date.today().year
    for slug, zone, who, month, (kind, title, start, end, text) in planned(year):
        day = third_thursday(year, month)
        Event.objects.filter(
            program__slug=slug, kind=kind, starts_at=datetime.datetime.combine(day, datetime.time(*start), tzinfo=zone)
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_events")]

    operations = [migrations.RunPython(seed, unseed)]
