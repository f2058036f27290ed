"""Thin Celery tasks for programs; beat runs them daily (mentorship/config/settings.py).

Safe to run twice or from two beats: the roll-forward makes a cohort once (its
name is unique per program) and a recurring event's month once (under the
pattern's lock, and a unique key on the event).
"""

from celery import shared_task
from django.utils import timezone


@shared_task
def programs_roll_forward_task() -> dict:
    """Daily: every program's running and next cohort, and its recurring events
    through the end of next year."""
    from .services import programs_roll_forward

    return programs_roll_forward(today=timezone.localdate())
