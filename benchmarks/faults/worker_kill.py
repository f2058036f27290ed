"""Fault (a): a Celery worker killed with SIGKILL in the middle of the monthly reminders.

    .venv/bin/python benchmarks/faults/worker_kill.py [--mentorships 2000] [--mode both|worker|child]

For each mode, on the `mentoring_faults` database and Redis (keys prefixed
"mentoring-faults:"):

1. empties the people tables and creates N quiet AAHPM mentorships (2N check-in
   reminders are due: one to each partner), and an empty mail log;
2. runs the planner here, as beat would: it claims one ReminderDelivery row per
   reminder and queues the sending, 200 rows per task, on Redis;
3. starts a worker (prefork, 2 processes); mail is one line per message in the
   mail log, each taking --mail-delay seconds like an SMTP round trip;
4. when a third of the mail is out, kills with SIGKILL
   - `worker`: the whole worker, parent and children (a machine lost, OOM killer);
     the tasks it held stay unacknowledged in Redis and come back after the
     visibility timeout (shortened to --visibility seconds here; 3600 in
     production, where the 30-minute sweeper re-queues them sooner);
   - `child`: one pool process; the parent notices, and with acks_late and
     reject_on_worker_lost the task goes straight back to the queue;
5. (worker mode) starts a new worker, waits until every row is marked and the
   mail log stops growing, and counts. Redis hands back unacknowledged tasks
   once they are older than the visibility timeout, on a restore cycle that
   runs every ~100 s in an idle worker: expect the last mails 1–2 minutes
   after the kill.

What holds: every due reminder goes out, none twice, except the row a killed
process had marked sent and not yet mailed — at most one per killed process
(at most once per row: the row is marked just before its mail is sent, so a
redelivered task skips it rather than sending it twice). The figure printed as
"lost" is that count, measured: rows marked sent whose recipient never got a
mail. PASS: no duplicates, nothing left unsent, lost ≤ the processes killed.
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.faults import common  # noqa: E402
from benchmarks.faults.common import say  # noqa: E402


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def run(mode: str, args, procs: common.Processes) -> bool:
    from django.db import connection

    from mentorship.models import ReminderDelivery
    from mentorship.services import reminders

    print(f"\n=== worker killed ({mode}) ===", flush=True)
    common.reset_people()
    common.purge_queues()
    common.reset_mail_log()
    started = time.monotonic()
    common.quiet_pairs(args.mentorships)
    say(f"{args.mentorships} quiet AAHPM mentorships created in {time.monotonic() - started:.1f} s")

    counts = reminders.reminders_plan()
    counts.pop("preview", None)
    rows = ReminderDelivery.objects.filter(kind="checkin")
    expected = rows.count()
    say(f"planned: {counts}; {common.queued_tasks()} send tasks waiting in Redis")
    connection.close()

    environment = common.env(FAULTS_MAIL_DELAY=args.mail_delay, FAULTS_VISIBILITY_TIMEOUT=args.visibility)
    worker = procs.start(f"worker-{mode}-1", common.worker_argv(f"{mode}1", args.concurrency), environment)
    if not common.wait_for(
        lambda: len(common.mail_lines()) >= expected * args.kill_at, timeout=180, every=0.05, what="the first third of the mail"
    ):
        return False
    at_kill = len(common.mail_lines())
    if mode == "worker":
        procs.kill(f"worker-{mode}-1", signal.SIGKILL)
        killed = args.concurrency
        say(f"SIGKILL to the whole worker (parent and {args.concurrency} pool processes) after {at_kill} of {expected} mails")
    else:
        pool = children_of(worker.pid)
        os.kill(pool[0], signal.SIGKILL)
        killed = 1
        say(f"SIGKILL to pool process {pool[0]} of worker {worker.pid} after {at_kill} of {expected} mails")
    marked_at_kill = rows.filter(sent_at__isnull=False).count()
    unsent_at_kill = rows.filter(sent_at__isnull=True, skipped=False).count()
    say(f"at the kill: {marked_at_kill} rows marked sent, {unsent_at_kill} still to send, {common.queued_tasks()} tasks queued")
    connection.close()

    if mode == "worker":
        time.sleep(1)
        procs.start(f"worker-{mode}-2", common.worker_argv(f"{mode}2", args.concurrency), environment)
        say(f"restarted the worker; the killed worker's tasks come back after the {args.visibility} s visibility timeout")

    recovered = common.wait_for(
        lambda: not rows.filter(sent_at__isnull=True, skipped=False).exists(),
        timeout=args.visibility + 120,
        every=1,
        what="every row to be sent",
    )
    common.settle(lambda: len(common.mail_lines()), quiet=5)
    took = time.monotonic() - started
    procs.stop_all()

    lines = common.mail_lines()
    # One reminder per row: a mentor with two mentees gets two, each naming the partner.
    per_row = collections.Counter(lines)
    duplicates = sum(n - 1 for n in per_row.values() if n > 1)
    marked = rows.filter(sent_at__isnull=False).values_list("user__email", "subject")
    lost = sorted(f"{email} ({subject})" for email, subject in marked if (email, f"[Mentoring] {subject}") not in per_row)
    unsent = rows.filter(sent_at__isnull=True, skipped=False).count()
    connection.close()

    print(f"  due reminders (claimed rows)    {expected}")
    print(f"  mails in the log                {len(lines)}")
    print(f"  distinct reminders mailed       {len(per_row)}")
    print(f"  sent twice                      {duplicates}")
    print(f"  never sent, still unsent rows   {unsent}")
    print(f"  lost (marked sent, no mail)     {len(lost)}   (bound: {killed}, one per killed process)")
    for row in lost[:4]:
        print(f"      lost: {row}")
    print(f"  recovered by itself             {'yes' if recovered else 'NO'} ({took:.0f} s from planning to the last mail)")
    ok = recovered and duplicates == 0 and unsent == 0 and len(lost) <= killed
    print(f"  {'PASS' if ok else 'FAIL'} ({mode})", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentorships", type=int, default=2000, help="quiet pairs: twice as many reminders")
    parser.add_argument("--mode", choices=["both", "worker", "child"], default="both")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--mail-delay", type=float, default=0.004, help="seconds per message, like SMTP")
    parser.add_argument("--visibility", type=int, default=20, help="Redis visibility timeout for this run, seconds")
    parser.add_argument("--kill-at", type=float, default=1 / 3, help="fraction of the mail out when the kill comes")
    args = parser.parse_args()
    common.bounded(900)

    say(f"database {common.database_name()}, broker {common.BROKER_URL} (keys {common.KEY_PREFIX}*)")
    common.ensure_database()
    common.django_setup()
    procs = common.Processes()
    results = {}
    try:
        for mode in (["child", "worker"] if args.mode == "both" else [args.mode]):
            results[mode] = run(mode, args, procs)
    finally:
        procs.stop_all()
        common.purge_queues()
    ok = bool(results) and all(results.values())
    return common.verdict(
        ok,
        "a worker killed mid-send: every due reminder went out, none twice; at most one row per killed process "
        "lost (at most once per row). " + ", ".join(f"{m}: {'ok' if r else 'failed'}" for m, r in results.items()),
    )


if __name__ == "__main__":
    sys.exit(main())
