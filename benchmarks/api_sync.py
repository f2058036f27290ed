"""The API's nightly sync, timed: upsert N people (10,000) in pages of 500 through
POST /api/v1/people/sync, in-process through the WSGI app (the whole request:
token check, rate limit, JSON, the upsert, the Idempotency-Key and the audit
entry), on the database DATABASE_URL names.

    .venv/bin/python benchmarks/api_sync.py                    # PostgreSQL database mentoring_api_bench
    .venv/bin/python benchmarks/api_sync.py --people 10000 --page 500 --runs 3 [--json FILE]
    DATABASE_URL=sqlite:////tmp/api-bench.sqlite3 .venv/bin/python benchmarks/api_sync.py

Each run sends new people (a new run prefix), so every run creates 10,000
accounts, profiles, email addresses and external ids; then the same pages are
sent again (all unchanged) and once more with one field changed for everyone
(all updated). It prints people per second for each, per run, and the median.
Target: creating runs at ≥ 1,000 people/s on PostgreSQL. The database is
migrated first and keeps what the runs made (drop it to start over).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/mentoring_api_bench"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("API_RATE_LIMIT_PER_MINUTE", "0")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    ensure_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from api.tokens import token_create
    from mentorship.models import User
    from programs.models import Program, ProgramCoordinator

    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # no query log
    program = Program.objects.get(slug="ky-connections")
    coordinator, _ = User.objects.get_or_create(email="api-bench@example.org", defaults={"is_staff": True})
    ProgramCoordinator.objects.get_or_create(program=program, user=coordinator)
    _, key = token_create(
        program=program, by=coordinator, name="benchmark", can_write=True, expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def pages(prefix: str, unit: str):
        for start in range(0, args.people, args.page):
            yield [
                {
                    "external_id": f"{prefix}-{n:06d}",
                    "email": f"{prefix}-{n:06d}@bench.example.gov",
                    "first_name": "Pat",
                    "last_name": f"Doe {n}",
                    "organisation": "Commonwealth of Kentucky",
                    "org_unit": unit,
                    "career_level": 1 + n % 5,
                    "leadership_position": n % 7 == 0,
                }
                for n in range(start, min(start + args.page, args.people))
            ]

    def timed(prefix: str, unit: str, expect: str) -> float:
        bodies = [json.dumps({"people": page}) for page in pages(prefix, unit)]
        started = time.perf_counter()
        for i, body in enumerate(bodies):
            response = client.post(
                "/api/v1/people/sync", body, content_type="application/json", headers={"Idempotency-Key": f"{prefix}-{expect}-{i}"}
            )
            if response.status_code != 200:
                raise SystemExit(f"page {i}: {response.status_code} {response.content[:300]!r}")
            if response.json()[expect] != len(json.loads(body)["people"]):
                counts = {k: v for k, v in response.json().items() if k != "results"}
                raise SystemExit(f"page {i}: expected every person {expect}: {counts}")
        return args.people / (time.perf_counter() - started)

    print(f"{connection.vendor}, {args.people} people in pages of {args.page}, {args.runs} runs")
    figures = {"created": [], "unchanged": [], "updated": []}
    for run in range(args.runs):
        prefix = f"b{uuid.uuid4().hex[:8]}"
        figures["created"].append(timed(prefix, "Personnel Cabinet", "created"))
        figures["unchanged"].append(timed(prefix, "Personnel Cabinet", "unchanged"))
        figures["updated"].append(timed(prefix, "Transportation Cabinet", "updated"))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:,.0f}/s" for k, v in figures.items()))
    medians = {k: statistics.median(v) for k, v in figures.items()}
    print("median: " + ", ".join(f"{k} {v:,.0f} people/s" for k, v in medians.items()))
    if args.json:
        Path(args.json).write_text(json.dumps({"database": connection.vendor, "runs": figures, "median": medians}, indent=2))
    return 0 if medians["created"] >= 1000 or connection.vendor != "postgresql" else 1


if __name__ == "__main__":
    sys.exit(main())
