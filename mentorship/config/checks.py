"""System checks of the production posture that Django's own `check --deploy` does not make."""

from django.conf import settings
from django.core import checks

LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@checks.register(checks.Tags.security, deploy=True)
def shared_cache_for_rate_limits(app_configs, **kwargs):
    """allauth keeps its rate-limit counters (five failed logins a minute) in the
    default cache. A per-process cache gives every gunicorn worker its own
    counters, multiplying the limit by the number of workers and forgetting it
    on each restart."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if getattr(settings, "PRODUCTION", False) and backend in LOCAL_CACHES:
        return [
            checks.Warning(
                "The default cache is local to each process, so login rate limits are counted per worker.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1.",
                id="mentorship.W001",
            )
        ]
    return []
