"""Building blocks for the survey tests: days to travel to, seeded surveys, pairs.

Coordinators, and the pair builder these pairs come from, are in
mentorship.tests.builders, shared by every app's tests.
"""

import datetime
import functools
import importlib
import zoneinfo

import time_machine
from django.conf import settings

from mentorship.tests import builders
from surveys.models import Survey


def at(day: datetime.date, hour: int = 9):
    """Travel to `hour` o'clock local time on `day` (time stands still)."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz), tick=False)


def seeded_survey(slug: str, kind: str) -> Survey:
    return Survey.objects.get(program__slug=slug, kind=kind)


# A survey's pair sits in a cohort that runs 800 days from its start, so that
# surveys due a year or two in still find it running.
pair_in = functools.partial(builders.pair_in, cohort_days=800)


# For transactional tests: with available_apps the flush after the test does
# not re-create content types and permissions (post_migrate), so a later test
# with serialized_rollback can restore the database without colliding.
ALL_APPS = list(settings.INSTALLED_APPS)


def ensure_seeded() -> None:
    """The five programs and their surveys, as the data migrations leave them.

    A transactional test cannot count on them: a transactional test that ran
    before it flushed the database. Restoring them with serialized_rollback
    fails once a flush has recreated the content types, so the seed functions
    (idempotent) are run again instead.
    """
    from django.apps import apps

    for module in ("programs.migrations.0002_seed_programs", "surveys.migrations.0002_seed_surveys"):
        importlib.import_module(module).seed(apps, None)
