"""Fault (c): PostgreSQL restarted under load.

    .venv/bin/python benchmarks/faults/pg_restart.py [--cluster private|main] [--down 4]

gunicorn serves the site with the production settings (DEBUG off, persistent
connections with CONN_HEALTH_CHECKS) on 127.0.0.1:--port, from the database
`mentoring_faults`; --clients (16) signed-in clients request the dashboard,
the programs page, the home page and a static file in a loop. After a quiet
start, PostgreSQL is stopped (fast: connections are cut), kept down --down
seconds and started again; the clients go on throughout.

- `--cluster private` (default): a PostgreSQL cluster of the script's own
  (initdb under /tmp, port 5499, loopback), so nobody else's database restarts;
- `--cluster main`: the machine's cluster (pg_ctlcluster 15 main stop/start),
  as in production — colleagues' connections are cut too, so keep --down short;
  the script checks it answers afterwards.

PASS when: before and after, every answer is 200 (or the home page's 302 to the dashboard); while the database is down,
every answer is the friendly 503 page (Retry-After, no traceback) or still a
200 (static files need no database) — never a traceback, a hang or a refused
connection; and the site recovers by itself, with no restart of gunicorn,
within --recover-within seconds of PostgreSQL answering again.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.faults import common  # noqa: E402
from benchmarks.faults.common import say  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PRIVATE_PORT = 5499
PAGES = ["/dashboard/", "/programs/", "/", "/static/css/site.css"]


class PrivateCluster:
    """A throw-away PostgreSQL owned by the postgres user, under the work directory."""

    def __init__(self, port: int):
        self.port = port
        self.data = common.WORK / "pgdata"
        self.log = common.WORK / "logs" / "postgres-private.log"

    def _pg(self, *argv, check=True):
        return subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=check, capture_output=True, text=True, timeout=120)

    def create(self):
        if not (self.data / "PG_VERSION").exists():
            self.data.mkdir(parents=True, exist_ok=True)
            shutil.chown(self.data, "postgres", "postgres")
            self._pg(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
            say(f"initdb {self.data}")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")

    def start(self):
        self._pg(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start",
            "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off",
        )

    def stop(self):
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop", check=False)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/mentoring_faults"


class MainCluster:
    """The machine's PostgreSQL 15 'main' cluster (shared: keep it short)."""

    port = 5432

    def start(self):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"], check=True, timeout=120)

    def stop(self):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "stop", "-m", "fast"], check=True, timeout=120)

    @property
    def url(self) -> str:
        return common.DATABASE_URL


def pg_ready(port: int) -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)], timeout=10).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cluster", choices=["private", "main"], default="private")
    parser.add_argument("--down", type=float, default=4.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--before", type=float, default=6.0)
    parser.add_argument("--after", type=float, default=15.0)
    parser.add_argument("--recover-within", type=float, default=10.0)
    args = parser.parse_args()
    common.bounded(900)

    cluster = PrivateCluster(PRIVATE_PORT) if args.cluster == "private" else MainCluster()
    procs = common.Processes()
    stop_clients = threading.Event()
    records: list[tuple[float, int, str, str]] = []
    lock = threading.Lock()
    marks: dict[str, float] = {}
    try:
        if args.cluster == "private":
            cluster.create()
            cluster.start()
            say(f"private PostgreSQL on 127.0.0.1:{cluster.port}")
        common.ensure_database(cluster.url)
        common.django_setup(DATABASE_URL=cluster.url)
        from django.db import connection

        from mentorship.models import User

        common.reset_people()
        common.quiet_pairs(20)
        sessions = [common.session_for(u) for u in User.objects.filter(email__startswith="mentee-")[: args.clients]]
        connection.close()

        environment = common.production_env(args.port, DATABASE_URL=cluster.url, CACHE_URL="locmemcache://")
        subprocess.run([common.PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=common.ROOT, env=environment, check=True, timeout=300)
        procs.start("gunicorn", common.gunicorn_argv(args.port, workers=3), environment)
        if not common.wait_http(args.port, "/static/css/site.css", timeout=60):
            return common.verdict(False, "gunicorn did not start")

        def client(n: int):
            browser = common.Browser(args.port, sessions[n % len(sessions)], timeout=20)
            i = n
            while not stop_clients.is_set():
                path = PAGES[i % len(PAGES)]
                i += 1
                status, body, headers = browser.request("GET", path)
                note = ""
                if status >= 500:
                    note = "friendly-503" if status == 503 and "back in a moment" in body and headers.get("Retry-After") else "other"
                    if common.shows_traceback(body):
                        note = "TRACEBACK"
                with lock:
                    records.append((time.monotonic(), status, path, note))
            browser.close()

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.before)
        marks["stop"] = time.monotonic()
        say(f"stopping PostgreSQL ({args.cluster}) under load")
        cluster.stop()
        marks["down"] = time.monotonic()
        time.sleep(args.down)
        marks["start"] = time.monotonic()
        cluster.start()
        if not common.wait_for(lambda: pg_ready(cluster.port), timeout=60, every=0.2, what="PostgreSQL"):
            return common.verdict(False, "PostgreSQL did not come back")
        marks["up"] = time.monotonic()
        say(f"PostgreSQL answers again (down {marks['up'] - marks['stop']:.1f} s)")
        time.sleep(args.after)
        stop_clients.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        stop_clients.set()
        procs.stop_all()
        common.purge_queues()
        if args.cluster == "private":
            cluster.stop()
        elif not pg_ready(cluster.port):
            say("PostgreSQL main is not answering: starting it")
            cluster.start()
    if args.cluster == "main":
        say(f"PostgreSQL main answers: {pg_ready(cluster.port)}")

    def phase(t: float) -> str:
        if t < marks["stop"]:
            return "before"
        if t < marks["up"]:
            return "down"
        return "after"

    by_phase = collections.defaultdict(collections.Counter)
    for t, status, path, note in records:
        by_phase[phase(t)][f"{status}{' ' + note if note else ''}"] += 1
    failures_after = [t for t, status, path, note in records if phase(t) == "after" and not 200 <= status < 400]
    recovered_at = (max(failures_after) - marks["up"]) if failures_after else 0.0
    print("\n  before the fault, by page: " + str(dict(sorted(collections.Counter(f"{path} {status}" for t, status, path, note in records if phase(t) == "before").items()))))
    print("\n  answers by phase (status: count)")
    for name in ("before", "down", "after"):
        print(f"    {name:7} {dict(sorted(by_phase[name].items()))}")
    print(f"  PostgreSQL down for {marks['up'] - marks['stop']:.1f} s (stop issued → answering again)")
    first_db_page = min(
        (t for t, status, path, note in records if t >= marks["up"] and status == 200 and path in ("/dashboard/", "/programs/")),
        default=float("nan"),
    )
    print(f"  first database page served {first_db_page - marks['up']:.2f} s after PostgreSQL answered again")
    print(f"  last error {recovered_at:.1f} s after PostgreSQL answered again; every answer since: 200 or 302")
    tracebacks = sum(1 for t, status, path, note in records if note == "TRACEBACK")
    unfriendly = sum(1 for t, status, path, note in records if not 200 <= status < 400 and note != "friendly-503")
    errors_during = sum(c for k, c in by_phase["down"].items() if k.startswith("5"))
    ok = (
        set(by_phase["before"]) <= {"200", "302"}
        and errors_during > 0
        and tracebacks == 0
        and unfriendly == 0
        and recovered_at <= args.recover_within
    )
    print(f"  requests {len(records)}; tracebacks shown {tracebacks}; answers neither 200 nor the friendly 503: {unfriendly}")
    return common.verdict(
        ok,
        f"PostgreSQL ({args.cluster}) restarted under {args.clients} clients: friendly 503s while down, no tracebacks, "
        f"recovered by itself in {recovered_at:.1f} s",
    )


if __name__ == "__main__":
    sys.exit(main())
