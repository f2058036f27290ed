from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentorship"
    verbose_name = "Mentorships"

    def ready(self):
        from programs.signals import enrollment_decided

        from . import tasks  # noqa: F401 - registers the tasks the services queue by name
        from .config import checks  # noqa: F401 - registers the deploy checks
        from .services.notifications import enrollment_decision_notify

        # Decisions on enrolments (programs) reach people as notifications (mentorship).
        enrollment_decided.connect(enrollment_decision_notify, dispatch_uid="mentorship.enrollment_decision_notify")
