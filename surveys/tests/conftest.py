import datetime

import pytest

from surveys import services

from .helpers import at


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """Run the planner on a day, as beat would, and run what it enqueued on commit."""

    def run(day: datetime.date, **kwargs):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return services.survey_dispatch_due(today=day, **kwargs)

    return run


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def run(day: datetime.date, **kwargs):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return services.survey_reminders_send(today=day, **kwargs)

    return run
