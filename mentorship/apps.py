from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentorship"
    verbose_name = "Mentorships"

    def ready(self):
        # Decisions on enrolments (programs) reach people as notifications
        # (mentorship): see programs/notifications.py for why it is plugged in here.
        from programs.notifications import notifier_set

        from . import tasks  # noqa: F401 - registers the tasks the services queue by name
        from .config import checks  # noqa: F401 - registers the deploy checks
        from .services import notify

        notifier_set(notify)
