"""The Celery app, loaded with Django (mentorship/__init__.py) so that tasks bind to it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.config.settings")

app = Celery("mentorship")
# Every CELERY_* setting in settings.py configures the app.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
