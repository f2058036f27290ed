"""The demo world `seed_demo` builds: people and enrolments (people.py), then for
each of the five programs a living world dated relative to the day it runs
(worlds.py), built only through the product's services."""

from .people import DEMO_DOMAIN, DEMO_PASSWORD, demo_email, program_cohorts
from .worlds import seed

__all__ = ["DEMO_DOMAIN", "DEMO_PASSWORD", "demo_email", "program_cohorts", "seed"]
