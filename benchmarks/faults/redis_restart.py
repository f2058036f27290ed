"""Fault (b): Redis restarted while the reminders' send tasks are queued.

    .venv/bin/python benchmarks/faults/redis_restart.py [--mentorships 1000] [--persistence both|none|aof]

A Redis of its own (127.0.0.1:--port, stopped at the end), so nobody else's
Redis restarts. For each persistence setting:

1. N quiet AAHPM mentorships (2N check-in reminders due), a worker sending
   (--mail-delay seconds a message), and the planner run here, as beat would:
   one claim row per reminder in PostgreSQL, the send tasks queued in Redis;
2. a quarter of the way through, Redis is killed and started again;
   - `none` (no RDB, no AOF: .ci/run's Redis, and many caches): the queued
     tasks are gone; the tasks already running in the worker finish;
   - `aof` (appendonly yes, appendfsync always): the queue survives;
3. the worker reconnects by itself; what is still unsent is counted;
4. the planner runs again: every reminder is already claimed, so it queues
   nothing — a re-plan alone would never send the lost ones;
5. the sweeper (`reminders_resend_stale`, beat every 30 minutes) runs through
   the worker as it would 31 minutes later (the claims are aged by 31 minutes:
   nobody waits half an hour); it re-queues claimed rows still unsent;
6. counts: every due reminder sent, none twice.

What holds: no scheduled reminder is lost, because the claims live in
PostgreSQL and the sweeper re-queues claimed-but-unsent rows from there
(within 30–60 minutes of the claim, up to 6 hours after it). Redis is a
delivery mechanism, not the record: with AOF it loses nothing itself; without
persistence the sweeper makes up for it. A row is sent by the one task whose
conditional UPDATE marks it, so re-queueing never sends anything twice.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.faults import common  # noqa: E402
from benchmarks.faults.common import say  # noqa: E402


def redis_argv(port: int, persistence: str, directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)]
    if persistence == "aof":
        argv += ["--appendonly", "yes", "--appendfsync", "always"]
    else:
        argv += ["--appendonly", "no"]
    return argv


def run(persistence: str, args, procs: common.Processes, broker: str) -> bool:
    from django.db import connection
    from django.utils import timezone

    from mentorship.models import ReminderDelivery
    from mentorship.services import reminders
    from mentorship.tasks import reminders_resend_stale_task

    print(f"\n=== Redis restarted, persistence: {persistence} ===", flush=True)
    directory = common.WORK / f"redis-{persistence}"
    for old in directory.glob("*"):
        if old.is_file():
            old.unlink()
    procs.start("redis", redis_argv(args.port, persistence, directory), common.env())
    if not common.wait_for(lambda: _ping(broker), timeout=20, what="Redis"):
        return False
    common.reset_people()
    common.reset_mail_log()
    common.quiet_pairs(args.mentorships)
    environment = common.env(CELERY_BROKER_URL=broker, FAULTS_MAIL_DELAY=args.mail_delay, FAULTS_VISIBILITY_TIMEOUT=20)
    procs.start(f"worker-{persistence}", common.worker_argv(persistence, 2), environment)
    time.sleep(3)

    counts = reminders.reminders_plan()
    counts.pop("preview", None)
    rows = ReminderDelivery.objects.filter(kind="checkin")
    expected = rows.count()
    say(f"planned: {counts}")
    connection.close()
    if not common.wait_for(lambda: len(common.mail_lines()) >= expected / 4, timeout=120, every=0.1, what="a quarter of the mail"):
        return False
    queued = common.queued_tasks(broker)
    procs.kill("redis")
    say(f"Redis killed with {queued} send tasks queued and {len(common.mail_lines())} of {expected} mails out")
    time.sleep(2)
    procs.start("redis", redis_argv(args.port, persistence, directory), common.env())
    common.wait_for(lambda: _ping(broker), timeout=20, what="Redis")
    say(f"Redis is back with {common.queued_tasks(broker)} send tasks queued")

    common.settle(lambda: len(common.mail_lines()), quiet=8, timeout=90)
    unsent_after_restart = rows.filter(sent_at__isnull=True, skipped=False).count()
    say(f"after the restart the worker settled: {len(common.mail_lines())} mails out, {unsent_after_restart} claimed rows unsent")

    again = reminders.reminders_plan()
    say(f"the planner again: claimed {again['claimed']} (everything is already claimed), queued {again['tasks']} tasks")

    # Beat runs the sweeper every 30 minutes; here the claims are made 31 minutes old instead.
    aged = rows.update(created_at=timezone.now() - datetime.timedelta(minutes=31))
    connection.close()
    reminders_resend_stale_task.delay()
    say(f"claims aged 31 minutes ({aged} rows); reminders_resend_stale queued for the worker")
    recovered = common.wait_for(
        lambda: not rows.filter(sent_at__isnull=True, skipped=False).exists(), timeout=180, every=1, what="every row sent"
    )
    common.settle(lambda: len(common.mail_lines()), quiet=5, timeout=60)
    procs.stop(f"worker-{persistence}")
    procs.stop("redis")

    lines = common.mail_lines()
    per_row = collections.Counter(lines)
    duplicates = sum(n - 1 for n in per_row.values() if n > 1)
    unsent = rows.filter(sent_at__isnull=True, skipped=False).count()
    marked = rows.filter(sent_at__isnull=False).values_list("user__email", "subject")
    lost = [1 for email, subject in marked if (email, f"[Mentoring] {subject}") not in per_row]
    connection.close()
    print(f"  due reminders (claimed rows)      {expected}")
    print(f"  send tasks queued at the restart  {queued}")
    print(f"  unsent after the restart          {unsent_after_restart}   (lost with the queue)")
    print(f"  re-plan claimed                   {again['claimed']}")
    print(f"  mails in the log                  {len(lines)}   distinct {len(per_row)}")
    print(f"  sent twice                        {duplicates}")
    print(f"  never sent                        {unsent + len(lost)}")
    ok = recovered and duplicates == 0 and unsent == 0 and not lost and len(per_row) == expected
    print(f"  {'PASS' if ok else 'FAIL'} ({persistence})", flush=True)
    return ok


def _ping(url: str) -> bool:
    try:
        return bool(common.redis_client(url).ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentorships", type=int, default=1000)
    parser.add_argument("--persistence", choices=["both", "none", "aof"], default="both")
    parser.add_argument("--port", type=int, default=6390, help="the private Redis's port (loopback)")
    parser.add_argument("--mail-delay", type=float, default=0.01)
    args = parser.parse_args()
    common.bounded(900)

    broker = f"redis://127.0.0.1:{args.port}/0"
    if _ping(broker):
        print(f"Something already answers on 127.0.0.1:{args.port}; choose another --port.", file=sys.stderr)
        return 2
    say(f"database {common.database_name()}, a private Redis on {broker}")
    common.ensure_database()
    common.django_setup(CELERY_BROKER_URL=broker)
    procs = common.Processes()
    results = {}
    try:
        for persistence in (["none", "aof"] if args.persistence == "both" else [args.persistence]):
            results[persistence] = run(persistence, args, procs, broker)
    finally:
        procs.stop_all()
    ok = bool(results) and all(results.values())
    return common.verdict(
        ok,
        "Redis restarted with tasks queued: no scheduled reminder lost (claims in PostgreSQL, the sweeper re-queues "
        "what Redis dropped), none sent twice. " + ", ".join(f"{p}: {'ok' if r else 'failed'}" for p, r in results.items()),
    )


if __name__ == "__main__":
    sys.exit(main())
