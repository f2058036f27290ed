"""The pairing builders now live in builders.py; tests/test_security.py still
imports these from here. Import from mentorship.tests.builders instead."""

from .builders import cohort_of, coordinator_of, mentee_in, mentor_in, pair  # noqa: F401
