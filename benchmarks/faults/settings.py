"""Settings for the fault scripts: the project's own (production when
DJANGO_PRODUCTION=true), with two changes that make a run countable and keep
it apart from anyone else's:

- every email is one line appended to FAULTS_MAIL_LOG (benchmarks/faults/mail.py),
  so a script can count what went out, and what went out twice;
- on Redis, every key carries the prefix "mentoring-faults:", so the scripts'
  queues never mix with a colleague's `make prod` on the same Redis, and the
  visibility timeout (how long Redis waits before handing an unacknowledged
  task to another worker; 3600 s in production) can be shortened to see a
  killed worker's tasks come back within the run.
"""

import os

from mentorship.config.settings import *  # noqa: F401,F403
from mentorship.config.settings import CELERY_BROKER_URL, VAR_DIR

EMAIL_BACKEND = "benchmarks.faults.mail.CountingBackend"
FAULTS_MAIL_LOG = os.environ.get("FAULTS_MAIL_LOG", str(VAR_DIR / "faults-mail.log"))
# Seconds each message takes to "send", like an SMTP round trip: the run lasts
# long enough to kill a worker in the middle of it.
FAULTS_MAIL_DELAY = float(os.environ.get("FAULTS_MAIL_DELAY", "0"))

if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "3600")),
        "global_keyprefix": "mentoring-faults:",
    }
