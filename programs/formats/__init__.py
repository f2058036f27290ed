"""How dates and times read, everywhere a person reads one: pages, mail,
notifications, calendar files and the admin.

One format each, set once in ``programs/formats/en/formats.py`` (Django's
``FORMAT_MODULE_PATH`` points here, so ``{{ value|date }}``,
``{{ value|date:"DATETIME_FORMAT" }}``, ``{{ value|time }}`` and the admin
use them too):

==================  ====================  =========================
a date              ``DATE_FORMAT``       4 Dec 2026
a date and time     ``DATETIME_FORMAT``   4 Dec 2026, 14:30
a time              ``TIME_FORMAT``       14:30
a month             ``YEAR_MONTH_FORMAT`` December 2026
==================  ====================  =========================

Python that writes text for people calls the functions below; a template uses
the named formats. ``tests/test_date_formats.py`` fails on any other explicit
date format (files that write for machines — CSV, logs, ISO keys — are listed
there).
"""

import datetime

from django.utils import formats, timezone


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def date_text(value: datetime.date | datetime.datetime) -> str:
    """"4 Dec 2026" (a moment is first put in the site's zone)."""
    return formats.date_format(_local(value), "DATE_FORMAT")


def datetime_text(value: datetime.datetime, *, zone: bool = False) -> str:
    """"4 Dec 2026, 14:30" in the site's zone; with `zone`, "4 Dec 2026, 14:30 EST"."""
    local = _local(value)
    text = formats.date_format(local, "DATETIME_FORMAT")
    return f"{text} {formats.date_format(local, 'T')}" if zone else text


def time_text(value: datetime.time | datetime.datetime) -> str:
    """"14:30"."""
    return formats.time_format(_local(value), "TIME_FORMAT")


def month_text(value: datetime.date) -> str:
    """"December 2026"."""
    return formats.date_format(value, "YEAR_MONTH_FORMAT")
