"""Profile one page in-process: time, SQL queries (count and the slowest), cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring_load CACHE_URL=redis://127.0.0.1:6379/5 \
      .venv/bin/python benchmarks/profile_page.py mentee-13@load.example.org /programs/hhs/mentors/ [--repeat 5] [--cprofile 25]

Signs the user in with Django's test client (no password), requests the page
--repeat times and prints the wall time of each, then the queries of the last
request, and (with --cprofile N) the N most expensive functions by cumulative time.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("email")
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cprofile", type=int, default=0)
    parser.add_argument("--queries", type=int, default=15, help="show this many slowest queries")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mentorship.models import User

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(email=args.email))
    for n in range(args.repeat):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(args.path)
        took = (time.perf_counter() - started) * 1000
        print(f"#{n + 1}: HTTP {response.status_code} {took:7.1f} ms, {len(ctx.captured_queries)} queries, "
              f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.1f} ms in SQL, {len(response.content)} bytes")
    slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[: args.queries]
    for q in slow:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(args.path)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
