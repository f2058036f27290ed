"""Settings for the mentoring-program platform.

Everything comes from the environment (django-environ) with embedded defaults
that need no services: SQLite under var/, a filesystem Celery broker under
var/, and mail written to var/mail/. Setting DJANGO_PRODUCTION=true switches to
the production posture, where DJANGO_SECRET_KEY is required and
`manage.py check --deploy` is clean.
"""

import os
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)


def _dev_secret_key() -> str:
    # A key generated once per checkout, so sessions survive restarts of `make run`.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env.str("DJANGO_SECRET_KEY") if PRODUCTION else env.str("DJANGO_SECRET_KEY", default="") or _dev_secret_key()
if PRODUCTION and not SECRET_KEY.strip():
    # Set but blank (an empty line in an env file) would start and fail on the first request.
    raise ImproperlyConfigured("Set the DJANGO_SECRET_KEY environment variable to a long random value.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "ninja",  # django-ninja: its templates and vendored Swagger UI / Redoc static files for /api/v1/docs
    "mentorship",
    "programs",
    "matching",
    "surveys",
    "api",
    "security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "security.middleware.IdleTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "mentorship.config.urls"
WSGI_APPLICATION = "mentorship.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship.config.context_processors.navigation",
                "security.context_processors.session_clock",
            ],
        },
    },
]

# Databases
# https://docs.djangoproject.com/en/5.2/ref/databases/
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
    # BEGIN so two transactions never deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON",
    }
    # A file (not :memory:) so threads in concurrency tests share it; one per
    # test process so parallel runs never drop each other's tables.
    (VAR_DIR / "test-dbs").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-dbs" / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "mentorship.User"
# Django's and allauth's backends, loading each request's person with their roles
# (mentorship/config/backends.py).
AUTHENTICATION_BACKENDS = [
    "mentorship.config.backends.ModelBackend",
    "mentorship.config.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth 65
# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {
    # Five failed logins per minute per IP, and per account, then refused.
    "login_failed": "5/m/ip,5/m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "mentorship.config.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "security.forms.LoginForm"}

# Account and session controls (NIST 800-53 AC-7, AC-8, AC-11/AC-12; security/).
# AC-7: an address is locked after this many failed sign-ins within the window,
# for this long, on top of allauth's per-address and per-IP rate limits.
SIGN_IN_LOCKOUT_FAILURES = env.int("SIGN_IN_LOCKOUT_FAILURES", default=10)
SIGN_IN_LOCKOUT_WINDOW_MINUTES = env.int("SIGN_IN_LOCKOUT_WINDOW_MINUTES", default=15)
SIGN_IN_LOCKOUT_MINUTES = env.int("SIGN_IN_LOCKOUT_MINUTES", default=30)
# AC-11/AC-12: signed out after this long without a request (15 minutes in
# production, 8 hours in development; 0 turns it off), warned 2 minutes before.
SESSION_IDLE_TIMEOUT_SECONDS = 60 * env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=15 if PRODUCTION else 480)
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=120)
# AC-8: a system-use notification that must be accepted before signing in, for
# deployments that require one (empty: none).
SIGN_IN_BANNER = env.str("SIGN_IN_BANNER", default="")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentoring] "
# Behind a proxy, allauth's rate limits key on the client address it forwards.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True
# One date format and one date-time format everywhere ("4 Dec 2026", "4 Dec 2026, 14:30"):
# programs/formats/en/formats.py, read by |date, the admin and programs.formats.
FORMAT_MODULE_PATH = ["programs.formats"]

# Static and media files
# https://whitenoise.readthedocs.io/
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads above this go to a temporary file; photos are capped in the form.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
# Unless EMAIL_URL says otherwise, mail is written to files under VAR_DIR/mail,
# whatever the working directory.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")


def _mail_folder(url: str) -> Path:
    """The folder of a ``filemail://`` URL. django-environ drops the leading slash
    of its path, so ``filemail:///srv/mail`` would land in ``srv/mail`` under the
    working directory. Here an absolute path stays absolute, a relative one
    (``filemail://outbox``) is under VAR_DIR, and none at all is VAR_DIR/mail."""
    rest = url.split("://", 1)[1] if "://" in url else ""
    rest = rest.split("?", 1)[0]
    if not rest.strip("/"):
        return VAR_DIR / "mail"
    return Path("/" + rest.lstrip("/")) if rest.startswith("/") else VAR_DIR / rest


if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(_mail_folder(env.str("EMAIL_URL", default="filemail://")))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Mentoring programs <mentoring@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    # The embedded broker: kombu's filesystem transport, one folder of messages
    # under var/, shared by the web process, the worker and beat.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis: a task not acknowledged within an hour is delivered again, and tasks
    # are acknowledged after they ran, so a worker dying mid-task loses nothing.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Hourly: invitations past their expiry, and reminders before it.
    "invitations-expire": {"task": "mentorship.tasks.invitations_expire_task", "schedule": crontab(minute=5)},
    # Daily, just after midnight: pairs whose time is up end (KY's with the program year, the
    # others at their planned end), before the day's reminders and surveys are planned.
    "mentorships-end-due": {"task": "mentorship.tasks.mentorships_end_due_task", "schedule": crontab(hour=0, minute=10)},
    # Hourly: check-in reminders on each program's cadence, meeting and event
    # reminders a day ahead, and (Mondays) the coordinators' weekly digest.
    "reminders-plan": {"task": "mentorship.tasks.reminders_plan_task", "schedule": crontab(minute=20)},
    # Every 30 minutes: claimed reminders and notification emails still unsent half an hour
    # later (their message lost with a broker restart) are queued again; each is still sent once.
    "reminders-resend-stale": {"task": "mentorship.tasks.reminders_resend_stale_task", "schedule": crontab(minute="10,40")},
    # Daily: surveys the programs' rules make due (exit, fit check, evaluation, progress reports,
    # feedback), then reminders to non-responders after 7 and 14 days. Both claim each send.
    "surveys-dispatch-due": {"task": "surveys.tasks.survey_dispatch_due_task", "schedule": crontab(hour=7, minute=15)},
    "surveys-reminders": {"task": "surveys.tasks.survey_reminders_send_task", "schedule": crontab(hour=7, minute=45)},
    # Daily: expired sessions (sign-ins older than two weeks) are deleted from the database.
    "sessions-clear-expired": {"task": "mentorship.tasks.sessions_clear_expired_task", "schedule": crontab(hour=3, minute=30)},
    # Daily: each program's next cohort and its recurring events through the end of next year (programs/services.py).
    "programs-roll-forward": {"task": "programs.tasks.programs_roll_forward_task", "schedule": crontab(hour=2, minute=45)},
    # Every 30 minutes: webhook deliveries claimed but never tried (their message lost) are queued again.
    "api-webhooks-resend-stale": {"task": "api.tasks.webhooks_resend_stale_task", "schedule": crontab(minute="25,55")},
    # Daily: Idempotency-Keys older than a day are forgotten.
    "api-idempotency-clear": {"task": "api.tasks.idempotency_records_clear_task", "schedule": crontab(hour=3, minute=50)},
}

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://")
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, reusing one Redis client instead of building one per call.
    CACHES["default"]["BACKEND"] = "mentorship.config.cache.RedisCache"
    # Sessions: read from Redis, kept in the database (mentorship/config/sessions.py).
    # Only with a cache every process shares: a per-process one would keep a
    # session that another worker deleted at sign-out.
    # https://docs.djangoproject.com/en/5.2/topics/http/sessions/#using-cached-sessions
    SESSION_ENGINE = "mentorship.config.sessions"
# The API (/api/v1/): requests per minute per token, counted in the cache above
# (shared by every process when it is Redis); 0 turns the limit off.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
# The mentor directory's content is kept this long per person and address while
# the data under it is unchanged (mentorship/web/pages.py); 0 turns it off.
PAGE_CONTENT_CACHE_SECONDS = env.int("PAGE_CONTENT_CACHE_SECONDS", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

if PRODUCTION:
    # https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # No script reads the token from the cookie (forms carry it): keep it from scripts.
    CSRF_COOKIE_HTTPONLY = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
