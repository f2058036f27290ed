"""One date format and one date-time format, everywhere a person reads a date.

The formats are set once (programs/formats/en/formats.py): "4 Dec 2026" and
"4 Dec 2026, 14:30". A template names them (`|date`, `|date:"DATETIME_FORMAT"`,
`|time`, `|date:"YEAR_MONTH_FORMAT"`, and `|date:"T"` for a zone); Python that
writes for people calls programs.formats. These tests fail on a new explicit
format, and read a page that used to mix four of them.
"""

import datetime
import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.models import MeetingKind, MeetingStatus
from mentorship.tests.builders import cohort_of, mentee_in, mentor_in, met, pair
from mentorship.tests.factories import InvitationFactory, MeetingFactory
from programs.formats import date_text, datetime_text, month_text, time_text

BASE = Path(__file__).resolve().parents[1]
APPS = ("mentorship", "programs", "matching", "surveys")

# Named formats a template may use (Django's names, defined in programs/formats/en/formats.py).
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT",
         "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT", "T"}
TEMPLATE_FORMAT = re.compile(r"\|\s*(?:date|time)\s*:\s*(['\"])(.*?)\1")

# Python: strftime("…") and f-string specs {value:%…}. A month's name alone
# ("%B", in "60 min in November" and an event's {month}) is not a date.
PY_FORMAT = re.compile(r"""strftime\(\s*f?(['"])(.*?)\1|\{[^{}]*?:(%[^{}'"]*)\}""")
MONTH_NAME_ONLY = {"%B"}
# Files that write dates for machines, not people: CSV cells and file names,
# ISO keys, an operator's command output, the form widget's input format.
FOR_MACHINES = {
    "mentorship/reports/exports.py": {"%Y-%m-%d", "%Y-%m-%d %H:%M"},
    "mentorship/reports/contact_hours.py": {"%Y-%m"},
    "mentorship/forms/meetings.py": set(),  # DATETIME_FORMAT = "%Y-%m-%dT%H:%M", the <input type=datetime-local> value
    "surveys/selectors.py": {"%Y-%m-%d %H:%M"},  # the survey's CSV export
    "surveys/services.py": {"%Y-%m-%d"},  # the planner's dry-run lines for send_due
    "surveys/management/commands/send_due.py": {"%Y-%m-%d"},
}


def _python_files():
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            rel = path.relative_to(BASE).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            yield rel, path.read_text()


def test_templates_use_the_named_formats_only():
    stray = []
    for path in sorted((BASE / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt", ".ics"}:
            continue
        for match in TEMPLATE_FORMAT.finditer(path.read_text()):
            if match.group(2) not in NAMED:
                stray.append(f"{path.relative_to(BASE)}: {match.group(0)}")
    assert not stray, "use |date, |date:\"DATETIME_FORMAT\", |time or |date:\"YEAR_MONTH_FORMAT\":\n" + "\n".join(stray)


def test_python_writes_dates_for_people_through_programs_formats():
    stray = []
    for rel, text in _python_files():
        allowed = FOR_MACHINES.get(rel, set())
        for match in PY_FORMAT.finditer(text):
            spec = match.group(2) if match.group(2) is not None else match.group(3)
            if spec in MONTH_NAME_ONLY or spec in allowed:
                continue
            line = text.count("\n", 0, match.start()) + 1
            stray.append(f"{rel}:{line}: {match.group(0)}")
    assert not stray, (
        "write dates for people with programs.formats (date_text, datetime_text, time_text, month_text); "
        "a file writing for machines goes in FOR_MACHINES:\n" + "\n".join(stray)
    )


def test_the_scan_finds_a_stray_format():
    """A positive control: the patterns catch the shapes they are meant to."""
    assert TEMPLATE_FORMAT.search('{{ m.starts_at|date:"d M Y" }}').group(2) == "d M Y"
    assert PY_FORMAT.search('f"due by {day:%d %B %Y}"').group(3) == "%d %B %Y"
    assert PY_FORMAT.search('day.strftime("%d %b")').group(2) == "%d %b"


def test_the_formats():
    moment = timezone.make_aware(datetime.datetime(2026, 12, 4, 14, 30))
    assert date_text(datetime.date(2026, 12, 4)) == "4 Dec 2026"
    assert date_text(moment) == "4 Dec 2026"
    assert datetime_text(moment) == "4 Dec 2026, 14:30"
    assert datetime_text(moment, zone=True) == "4 Dec 2026, 14:30 EST"
    assert time_text(moment) == "14:30"
    assert month_text(datetime.date(2026, 12, 1)) == "December 2026"
    # A moment is read in the site's zone: 02:00 UTC on the 5th is the 4th in New York.
    assert datetime_text(datetime.datetime(2026, 12, 5, 2, 0, tzinfo=datetime.UTC)) == "4 Dec 2026, 21:00"


MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# Anything that looks like a date: a month's name (or abbreviation) with a day
# or a year beside it, or a numeric date.
DATE_LIKE = re.compile(
    rf"(?:\b\d{{1,2}}\s+)?\b(?:{MONTHS})[a-z]*\.?(?:\s+\d{{1,2}}\b,?)?(?:\s+\d{{4}}\b)?|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
)
ONE_DATE = re.compile(rf"\d{{1,2}} (?:{MONTHS}) \d{{4}}")
MONTH = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}")


def dates_in(html: str) -> list[str]:
    """Every date-like text a person sees on the page (tags and attributes stripped)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]*>", " ", text))
    found = []
    for match in DATE_LIKE.finditer(text):
        token = match.group(0).strip()
        if re.fullmatch(rf"(?:{MONTHS})[a-z]*\.?", token):
            continue  # a month's name alone, or "May" in a sentence
        found.append(token)
    return found


@pytest.mark.django_db
def test_the_mentorship_page_and_the_dashboard_show_one_date_format(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 4, 1, 16, tzinfo=datetime.UTC), tick=False)
    cohort = cohort_of("hhs", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
    mentorship = pair(cohort, mentor_in(cohort), mentee_in(cohort), today=datetime.date(2026, 3, 4))
    met(mentorship, timezone.now() - datetime.timedelta(days=20), 60, MeetingKind.CHECKIN, MeetingStatus.HELD,
        created_by=mentorship.mentor)
    MeetingFactory(mentorship=mentorship, starts_at=timezone.now() + datetime.timedelta(days=3, hours=2))
    other_mentor = mentor_in(cohort)
    InvitationFactory(cohort=cohort, mentee=mentorship.mentee, mentor=other_mentor)
    client.force_login(mentorship.mentee)

    page = client.get(mentorship.get_absolute_url()).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()

    for html in (page, dashboard):
        found = dates_in(html)
        assert found, "the page shows dates"
        odd = [d for d in found if not (ONE_DATE.fullmatch(d) or MONTH.fullmatch(d))]
        assert not odd, odd
    assert "4 Mar 2026" in page  # started on; was "March 4, 2026" (Django's default) beside "04 June 2026"
    assert "4 Jun 2026" in page  # HHS: either partner may end after 3 months
    assert re.search(r"4 Apr 2026, \d\d:\d\d", page)  # the meeting in three days, with its time
