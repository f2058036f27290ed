"""Bounded load test of the production stack, loopback only.

    .venv/bin/python benchmarks/load.py                  # start the stack, seed, measure, stop
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000   # an already running `make prod`
    .venv/bin/python benchmarks/load.py --scenarios directory,dashboard --duration 10

What it does, in order:

1. (unless --url) makes sure the database exists (default ``mentoring_load``, a
   separate PostgreSQL database, so nobody else's data is touched), seeds it with
   ``seed_load`` (idempotent; ``--mentors 5000 --mentees 10000 --programs 5``) and
   starts ``bin/run-prod`` on it in its own process group (gunicorn with the
   production settings, persistent PostgreSQL connections, Redis as cache and
   broker, one Celery worker and beat), on 127.0.0.1:``--port``;
2. prepares the load users (``--setup`` step, run inside Django): a coordinator
   ``coordinator@load.example.org`` (staff, ProgramCoordinator of the program),
   unpaired mentees of the program (the directory and its “Suggested for you”),
   paired mentees and busy mentors (dashboards with mentorships to label);
3. signs each of them in through allauth's login page, like a browser;
4. warms every worker up, then runs wrk (``apt-get install wrk``) for each
   scenario: ``--connections`` (16) concurrent keep-alive connections for
   ``--duration`` (20) seconds each, rotating over the scenario's users/URLs;
5. prints, per scenario, requests/s, p50/p95/p99 latency, non-2xx responses
   and socket errors, the load average before and after, and the targets
   (directory and dashboard: p99 ≤ 100 ms, ≥ 300 requests/s, no errors);
6. stops the stack it started (the whole process group).

Every run is bounded: wrk stops after --duration, the whole script after
about (scenarios + 1) × duration plus start-up; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
LOAD_PASSWORD = "load-test-2026"  # mentorship/management/commands/seed_load.py
COORDINATOR = "coordinator@load.example.org"
TARGETS = {"p99_ms": 100.0, "rps": 300.0}
TARGETED = ("directory", "suggestions", "dashboard")


# ---------------------------------------------------------------------------
# Setup, inside Django (python benchmarks/load.py --setup)
# ---------------------------------------------------------------------------


def setup_in_django(program_slug: str, n_users: int) -> dict:
    """Create the coordinator, pick the load users; print what the runner needs."""
    import django

    sys.path.insert(0, os.getcwd())  # the source tree under test (see --source)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.config.settings")
    django.setup()
    from allauth.account.models import EmailAddress
    from django.db.models import Count, Q

    from mentorship.models import Mentorship, MentorshipState, Profile, Skill, User
    from programs.models import Enrollment, EnrollmentState, Program, ProgramCoordinator, Role

    program = Program.objects.get(slug=program_slug)
    coordinator, created = User.objects.get_or_create(
        email=COORDINATOR, defaults={"first_name": "Load", "last_name": "Coordinator", "is_staff": True}
    )
    if created or not coordinator.check_password(LOAD_PASSWORD) or not coordinator.is_staff:
        coordinator.set_password(LOAD_PASSWORD)
        coordinator.is_staff = True
        coordinator.save()
    EmailAddress.objects.get_or_create(user=coordinator, email=COORDINATOR, defaults={"verified": True, "primary": True})
    Profile.objects.get_or_create(user=coordinator)
    ProgramCoordinator.objects.get_or_create(program=program, user=coordinator)

    load = Q(user__email__endswith="@load.example.org")
    approved = Enrollment.objects.filter(load, cohort__program=program, state=EnrollmentState.APPROVED)
    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE)
    paired_ids = set(active.values_list("mentee_id", flat=True))
    # Unpaired mentees who would take a more senior mentor: "Suggested for you" has
    # something to show them (HHS peer-to-peer mentees at level 1 have no peers among mentors).
    mentees = list(
        approved.filter(role=Role.MENTEE, platform_preference__in=["", "senior_to_junior"])
        .exclude(user_id__in=paired_ids)
        .order_by("user_id")
        .values_list("user__email", flat=True)[:n_users]
    )
    paired = list(
        approved.filter(role=Role.MENTEE, user_id__in=paired_ids).order_by("user_id").values_list("user__email", flat=True)[: n_users // 2]
    )
    busy = list(
        active.values("mentor_id", "mentor__email").annotate(n=Count("pk")).order_by("-n", "mentor_id").values_list("mentor__email", flat=True)[: n_users - len(paired)]
    )
    free_mentors = list(
        approved.filter(role=Role.MENTOR)
        .annotate(n=Count("user__mentorships_as_mentor", filter=Q(user__mentorships_as_mentor__state=MentorshipState.ACTIVE, user__mentorships_as_mentor__program=program)))
        .filter(n__lt=program.max_mentees_per_mentor)
        .order_by("user_id")
        .values_list("user_id", flat=True)[:n_users]
    )
    skill = (
        Skill.objects.annotate(n=Count("offered_by", filter=Q(offered_by__user__in=approved.filter(role=Role.MENTOR).values("user_id"))))
        .order_by("-n")
        .first()
    )
    return {
        "program": program.slug,
        "coordinator": COORDINATOR,
        "mentees": mentees,
        "dashboard_users": paired + busy,
        "mentor_pks": free_mentors,
        "skill": skill.pk,
        "skill_name": skill.name,
    }


# ---------------------------------------------------------------------------
# The stack
# ---------------------------------------------------------------------------


def prepare_source(source: str) -> tuple[Path, str]:
    """The code to run: a commit exported with `git archive` (default HEAD), so the
    figures belong to a commit and not to whatever is half-edited in the working
    tree; or the working tree itself (--source worktree)."""
    if source == "worktree":
        return ROOT, "working tree"
    sha = subprocess.run(["git", "rev-parse", source], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    dest = Path(tempfile.gettempdir()) / "mentoring-load" / sha[:12]
    if not (dest / "manage.py").exists():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "archive", sha], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
        archive.wait()
    if not (dest / ".venv").exists():
        (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest, sha[:12]


def stack_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        CACHE_URL=args.cache_url,
        CELERY_BROKER_URL=args.broker_url,
        PORT=str(args.port),
        SEED_DEMO="false",
        DJANGO_STATIC_ROOT=str(args.src / "var" / "load-static"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    return env


def ensure_database(args) -> None:
    u = urllib.parse.urlsplit(args.database_url)
    name = u.path.lstrip("/")
    exists = subprocess.run(
        ["psql", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres", "-Atc",
         f"select 1 from pg_database where datname = '{name}'", "postgres"],
        capture_output=True, text=True,
    )
    if exists.returncode != 0:
        sys.exit(f"PostgreSQL does not answer at {u.hostname}:{u.port or 5432}: {exists.stderr.strip()}")
    if exists.stdout.strip() != "1":
        print(f"== createdb {name}")
        subprocess.run(["createdb", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres", name], check=True)


def start_stack(args) -> subprocess.Popen:
    """bin/run-prod in a new session (process group), its output to a log file."""
    log_path = args.src / "var" / "log" / "load-stack.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")
    print(f"== starting bin/run-prod on 127.0.0.1:{args.port} ({args.database_url}); log {log_path}")
    proc = subprocess.Popen(
        ["bash", "bin/run-prod"], cwd=args.src, env=stack_env(args), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bin/run-prod exited with {proc.returncode}; see {log_path}")
        try:
            status, _, _ = fetch(args.base, "/accounts/login/")
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(1)
    stop_stack(proc)
    sys.exit(f"the stack did not answer within 300 s; see {log_path}")


def stop_stack(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    print("== stopping the stack")
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------------------
# CPU time of the server side: gunicorn workers and PostgreSQL backends
# ---------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def gunicorn_pids(pgid: int | None) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if pgid is not None and os.getpgid(int(entry)) != pgid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if b"gunicorn" in cmd and b"mentorship.config.wsgi" in cmd:
            pids.append(int(entry))
    return pids


def postgres_pids(database_url: str) -> list[int]:
    u = urllib.parse.urlsplit(database_url)
    out = subprocess.run(
        ["psql", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres", "-Atc",
         f"select pid from pg_stat_activity where datname = '{u.path.lstrip('/')}' and pid <> pg_backend_pid()", "postgres"],
        capture_output=True, text=True,
    )
    return [int(x) for x in out.stdout.split() if x.isdigit()]


class ServerCpu:
    """CPU seconds used by the stack's gunicorn workers and its PostgreSQL backends.

    Independent of how many other processes compete for the cores, so it says
    what a request costs even when the wall-clock figures are taken under
    contention: 2 cores / (CPU per request) is the ceiling on an idle machine.
    """

    def __init__(self, pgid: int | None, database_url: str):
        self.pgid, self.database_url = pgid, database_url

    def sample(self) -> dict[str, dict[int, float]]:
        return {
            "app": {pid: _proc_cpu_seconds(pid) for pid in gunicorn_pids(self.pgid)},
            "db": {pid: _proc_cpu_seconds(pid) for pid in postgres_pids(self.database_url)},
        }

    @staticmethod
    def used(before, after) -> dict[str, float]:
        return {
            kind: sum(t - before[kind].get(pid, 0.0) for pid, t in after[kind].items())
            for kind in ("app", "db")
        }


# ---------------------------------------------------------------------------
# HTTP: sign in like a browser (cookies by hand: they are Secure, over http)
# ---------------------------------------------------------------------------


def fetch(base: str, path: str, *, method="GET", body: str | None = None, cookies: dict | None = None):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
    headers = {"Host": f"{u.hostname}:{u.port}" if u.port else u.hostname}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode("utf-8", "replace")
    jar = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    conn.close()
    return response.status, jar, data


def sign_in(base: str, email: str) -> str:
    for attempt in range(6):
        status, jar, page = fetch(base, "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"login page: HTTP {status}")
        body = urllib.parse.urlencode({"login": email, "password": LOAD_PASSWORD, "csrfmiddlewaretoken": token.group(1)})
        status, jar2, _ = fetch(base, "/accounts/login/", method="POST", body=body, cookies=jar)
        if status in (301, 302, 303) and "sessionid" in jar2:
            return jar2["sessionid"]
        if status == 429:  # allauth's login rate limit (30 a minute per address)
            time.sleep(10)
            continue
        raise RuntimeError(f"signing in {email}: HTTP {status}")
    raise RuntimeError(f"signing in {email}: rate limited")


# ---------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------

LUA = r"""
local reqs = {REQUESTS}
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = id * 7
  codes = {}
  non2xx = 0
end
function request()
  counter = counter + 1
  local r = reqs[(counter % #reqs) + 1]
  return wrk.format("GET", r[1], {["Cookie"] = r[2]})
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  codes[status] = (codes[status] or 0) + 1
end
function done(summary, latency, requests)
  local bad, codes_all = 0, {}
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    for k, v in pairs(t:get("codes")) do codes_all[tostring(k)] = (codes_all[tostring(k)] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(codes_all) do table.insert(parts, string.format('"%s": %d', k, v)) end
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "non2xx": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "timeouts": %d, "status_errors": %d, "codes": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean, bad,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, table.concat(parts, ", ")))
end
"""


def lua_script(requests: list[tuple[str, str]]) -> str:
    def q(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    table = "{" + ", ".join("{" + q(path) + ", " + q(cookie) + "}" for path, cookie in requests) + "}"
    return LUA.replace("{REQUESTS}", table)


def run_wrk(base: str, requests, *, connections: int, threads: int, duration: int, cpu: ServerCpu | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua_script(requests))
        script = f.name
    try:
        cpu_before = cpu.sample() if cpu else None
        load_before = os.getloadavg()
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", "-s", script, base + "/"],
            capture_output=True, text=True, timeout=duration + 60,
        )
        load_after = os.getloadavg()
        cpu_after = cpu.sample() if cpu else None
    finally:
        os.unlink(script)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    r = json.loads(line[len("WRK-JSON "):])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["non2xx"] + r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
    r["load_before"] = [round(x, 2) for x in load_before]
    r["load_after"] = [round(x, 2) for x in load_after]
    if cpu:
        used = ServerCpu.used(cpu_before, cpu_after)
        r["cpu_app_ms_per_request"] = 1000 * used["app"] / max(r["requests"], 1)
        r["cpu_db_ms_per_request"] = 1000 * used["db"] / max(r["requests"], 1)
    return r


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def scenarios(info: dict, sessions: dict) -> dict[str, list[tuple[str, str]]]:
    slug = info["program"]
    mentees = [f"sessionid={sessions[e]}" for e in info["mentees"]]
    filtered = f"/programs/{slug}/mentors/?skill={info['skill']}&free=on&near=Atlanta%2C+GA&within=500"
    coordinator = f"sessionid={sessions[info['coordinator']]}"
    return {
        # Filters: a skill, free places, near Atlanta within 500 km (and "Suggested for you").
        "directory": [(filtered, c) for c in mentees],
        # The unfiltered first page: the list is cheap, "Suggested for you" is the work.
        "suggestions": [(f"/programs/{slug}/mentors/", c) for c in mentees],
        "mentor-profile": [(f"/programs/{slug}/mentors/{pk}/", c) for pk, c in zip(info["mentor_pks"], mentees * 10)],
        "dashboard": [("/dashboard/", f"sessionid={sessions[e]}") for e in info["dashboard_users"]],
        "admin-mentorships": [("/admin/mentorship/mentorship/", coordinator)],
        # Not a target: the programs list (called "floor" in runs 11-21, when it
        # was the cheapest signed-in page).
        "programs": [("/programs/", c) for c in mentees],
        "admin-enrollments": [("/admin/programs/enrollment/", coordinator)],
    }


def check_pages(base: str, plan: dict) -> None:
    """One request per scenario before the load: 200, and the page is the one we mean."""
    markers = {"directory": "Suggested for you", "suggestions": "Suggested for you"}
    for name, reqs in plan.items():
        path, cookie = reqs[0]
        status, _, page = fetch(base, path, cookies=dict([cookie.split("=", 1)]))
        marker = markers.get(name)
        ok = status == 200 and (marker is None or marker in page)
        print(f"   {name:18} {path:70} HTTP {status}{'' if ok else '  <-- unexpected'}")


def host_probe_ms() -> float:
    """CPU time of a fixed piece of Python, the best of three, taken between
    scenarios while the stack is idle. It is the same work every time, so it
    shows how fast the (shared, virtual) machine runs at that moment: on the
    2-core machine of the README it took 45 ms at best and 66-79 ms in a slow
    period. A slow probe explains a slow run that the code does not."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, (time.process_time() - started) * 1000)
    return best


def fmt_row(name: str, r: dict) -> str:
    cpu = ""
    if "cpu_app_ms_per_request" in r:
        cpu = f" {r['cpu_app_ms_per_request']:6.1f} {r['cpu_db_ms_per_request']:6.1f}"
    probe = f" {r['probe_ms']:6.0f}" if "probe_ms" in r else ""
    return (
        f"{name:18} {r['rps']:8.1f} {r['p50_us'] / 1000:8.1f} {r['p95_us'] / 1000:8.1f} {r['p99_us'] / 1000:8.1f} "
        f"{r['errors']:7d}{cpu}{probe}   {r['load_before'][0]:5.2f} → {r['load_after'][0]:5.2f}"
    )


def verdict(name: str, r: dict) -> str:
    if name not in TARGETED:
        return ""
    misses = []
    if r["p99_us"] / 1000 > TARGETS["p99_ms"]:
        misses.append("p99")
    if r["rps"] < TARGETS["rps"]:
        misses.append("rps")
    if r["errors"]:
        misses.append("errors")
    return "meets targets" if not misses else "misses: " + ", ".join(misses)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an already running stack (loopback only); default: start bin/run-prod")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/mentoring_load")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: bin/run-prod's cores + 1)")
    parser.add_argument("--program", default="hhs")
    parser.add_argument("--users", type=int, default=8, help="mentees (and dashboard users) per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario (at most 120)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unrecorded load per scenario first")
    parser.add_argument("--scenarios", default="directory,suggestions,mentor-profile,dashboard,admin-mentorships,admin-enrollments")
    parser.add_argument("--source", default="HEAD", help="a commit to export and run (default HEAD), or 'worktree'")
    parser.add_argument("--no-seed", action="store_true", help="skip seed_load (the dataset is there already)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--label", default="", help="a note stored with the results (e.g. 'before', 'after cache')")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.setup:
        print("SETUP-JSON " + json.dumps(setup_in_django(args.program, args.users)))
        return 0
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    args.duration = max(1, min(args.duration, 120))
    args.warmup = max(0, min(args.warmup, 30))
    args.connections = max(1, min(args.connections, 256))
    args.base = (args.url or f"http://127.0.0.1:{args.port}").rstrip("/")
    host = urllib.parse.urlsplit(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("loopback only: --url must be http://127.0.0.1:PORT or http://localhost:PORT")

    if args.url:
        args.src, label = ROOT, "the running stack"
    else:
        args.src, label = prepare_source(args.source)
        print(f"== code: {label} ({args.src})")
    env = stack_env(args)
    proc = None
    try:
        if not args.url:
            ensure_database(args)
            subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=args.src, env=env, check=True)
            if not args.no_seed:
                print("== seed_load --mentors 5000 --mentees 10000 --programs 5 (adds nothing when already there)")
                subprocess.run(
                    [PY, "manage.py", "seed_load", "--mentors", "5000", "--mentees", "10000", "--programs", "5"],
                    cwd=args.src, env=env, check=True,
                )
        print("== load users")
        out = subprocess.run(
            [PY, str(Path(__file__).resolve()), "--setup", "--program", args.program, "--users", str(args.users)],
            cwd=args.src, env=env, capture_output=True, text=True, check=False,
        )
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("SETUP-JSON ")), None)
        if line is None:
            sys.exit(f"setup failed:\n{out.stdout}\n{out.stderr}")
        info = json.loads(line[len("SETUP-JSON "):])
        if not args.url:
            proc = start_stack(args)
        emails = sorted({info["coordinator"], *info["mentees"], *info["dashboard_users"]})
        print(f"== signing in {len(emails)} users through /accounts/login/")
        sessions = {e: sign_in(args.base, e) for e in emails}
        plan = scenarios(info, sessions)
        wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
        unknown = set(wanted) - set(plan)
        if unknown:
            sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}; known: {', '.join(plan)}")
        plan = {name: plan[name] for name in wanted}
        print("== one request per scenario")
        check_pages(args.base, plan)

        results = {}
        print(
            f"== {args.connections} connections, {args.threads} wrk threads, {args.duration} s per scenario "
            f"(after {args.warmup} s of warm-up), {os.cpu_count()} cores"
        )
        cpu = ServerCpu(os.getpgid(proc.pid) if proc else None, args.database_url)
        print(
            f"{'scenario':18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'app':>6} {'db':>6}"
            f" {'probe':>6}   load avg (1 min)"
        )
        for name, reqs in plan.items():
            probe = host_probe_ms()
            if args.warmup:
                run_wrk(args.base, reqs, connections=args.connections, threads=args.threads, duration=args.warmup)
            r = run_wrk(args.base, reqs, connections=args.connections, threads=args.threads, duration=args.duration, cpu=cpu)
            r["probe_ms"] = probe
            results[name] = r
            v = verdict(name, r)
            print(fmt_row(name, r) + (f"   {v}" if v else "") + (f"   codes {r['codes']}" if r["errors"] else ""), flush=True)
        print(
            f"targets (directory, suggestions, dashboard): p99 ≤ {TARGETS['p99_ms']:.0f} ms, ≥ {TARGETS['rps']:.0f} requests/s, "
            "no errors. app/db: CPU ms per request used by the gunicorn workers / the PostgreSQL backends. "
            "probe: CPU ms of a fixed piece of Python just before the scenario (how fast the machine runs then; "
            "app and db rise with it). Load average is the machine's (shared), before → after each run."
        )
        if args.json:
            record = {
                "label": args.label,
                "when": datetime.datetime.now().isoformat(timespec="seconds"),
                "command": " ".join(sys.argv),
                "code": label,
                "connections": args.connections,
                "duration": args.duration,
                "cores": os.cpu_count(),
                "info": {k: v for k, v in info.items() if k != "mentees"},
                "results": results,
            }
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            with open(args.json, "w") as f:
                json.dump(record, f, indent=2)
            print(f"results written to {args.json}")
    finally:
        stop_stack(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
