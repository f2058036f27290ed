from django.apps import AppConfig


class SecurityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "security"
    verbose_name = "Security"

    def ready(self):
        # Sign-ins, sign-outs, password and email changes, role and scope changes
        # write their audit rows from these receivers.
        from . import receivers  # noqa: F401
