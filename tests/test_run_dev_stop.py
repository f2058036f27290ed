"""`make run` stops cleanly: bin/run-dev, with a worker that has run tasks, is
gone within 10 seconds of a SIGTERM or a Ctrl-C, every process it started with it.

Each test starts the real script on a port and a VAR_DIR of its own (so it runs
beside the suite under xdist), with the embedded defaults whatever the
environment says (CI's PostgreSQL pass sets DATABASE_URL). It queues reminders
with `send_due` for a day 40 days ahead, waits until the worker has sent some
(its log and the mail folder say so), then stops the script. The processes are
found by the VAR_DIR in their environment, which the site, the worker's prefork
children and runserver's autoreloaded server all inherit.

The database is migrated and seeded once per test process and copied into each
test's VAR_DIR, so the script's own migrate and seed_demo find nothing to do.
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import require

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="finds the processes in /proc"),
]

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
# The settings read these; the test runs on the embedded defaults instead.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "CACHE_URL",
    "EMAIL_URL",
    "SITE_URL",
    "DJANGO_PRODUCTION",
    "DJANGO_MEDIA_ROOT",
)
STOP_LIMIT = 10.0
START_LIMIT = 90.0
TASKS_LIMIT = 60.0


def _env(var_dir: Path, port: int | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env["VAR_DIR"] = str(var_dir)
    if port is not None:
        env["PORT"] = str(port)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes(var_dir: Path) -> dict[int, tuple[int, str]]:
    """The live processes whose environment has this VAR_DIR: pid → (ppid, command line)."""
    marker = f"VAR_DIR={var_dir}".encode()
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if marker not in Path(entry.path, "environ").read_bytes().split(b"\0"):
                continue
            stat = Path(entry.path, "stat").read_text()
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":  # a zombie has ended; only its parent's wait is missing
            found[int(entry.name)] = (int(ppid), cmdline.strip())
    return found


def _wait_for(condition, limit: float, what: str, script: subprocess.Popen):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if script.poll() is not None:
            pytest.fail(f"bin/run-dev exited ({script.returncode}) while waiting for {what}")
        time.sleep(0.5)
    pytest.fail(f"no {what} within {limit:.0f} s")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def seeded_var(tmp_path_factory) -> Path:
    require(PYTHON.exists(), f"no virtualenv at {PYTHON} (make install)")
    var_dir = tmp_path_factory.mktemp("run-dev-seeded")
    env = _env(var_dir)
    for command in (["migrate", "--noinput"], ["seed_demo", "--quiet"]):
        subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    return var_dir


@pytest.mark.parametrize(
    "how",
    [
        "sigterm-to-group",  # `kill -- -PGID`, as a supervisor or `timeout` does
        "sigterm-to-script",  # `kill PID` of bin/run-dev alone
        "ctrl-c",  # SIGINT to the terminal's foreground group
        "stuck-worker",  # a worker that does not stop by itself is killed
    ],
)
def test_run_dev_stops_within_ten_seconds(how, seeded_var, tmp_path):
    var_dir = tmp_path / "var"
    shutil.copytree(seeded_var, var_dir)
    port = _free_port()
    env = _env(var_dir, port)
    output = tmp_path / "run-dev.out"
    with output.open("wb") as out:
        script = subprocess.Popen(
            ["bash", "bin/run-dev"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), START_LIMIT, "answer from the site", script)

        # The worker runs real tasks: the reminders due in 40 days, sent as mail.
        day = datetime.date.today() + datetime.timedelta(days=40)
        subprocess.run(
            [str(PYTHON), "manage.py", "send_due", "--date", day.isoformat()],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
        )
        worker_log = var_dir / "log" / "worker.log"
        _wait_for(
            lambda: worker_log.exists() and "succeeded in" in worker_log.read_text(),
            TASKS_LIMIT, "task run by the worker", script,
        )
        assert any((var_dir / "mail").iterdir()), "the worker ran tasks but wrote no mail"

        running = _processes(var_dir)
        commands = [command for _, command in running.values()]
        # A positive control: the scan sees the script, the worker with its two
        # prefork children, beat, and runserver with its autoreloaded server.
        assert sum(" worker " in c for c in commands) == 3, commands
        assert sum(" beat " in c for c in commands) == 1, commands
        assert sum(" runserver " in c for c in commands) == 2, commands
        assert script.pid in running

        if how == "stuck-worker":
            (worker,) = [pid for pid, (ppid, c) in running.items() if ppid == script.pid and " worker " in c]
            os.kill(worker, signal.SIGSTOP)
        started = time.monotonic()
        if how == "sigterm-to-script":
            os.kill(script.pid, signal.SIGTERM)
        elif how == "ctrl-c":
            os.killpg(script.pid, signal.SIGINT)
        else:
            os.killpg(script.pid, signal.SIGTERM)

        left = running
        while left and time.monotonic() - started < STOP_LIMIT:
            time.sleep(0.1)
            left = _processes(var_dir)
        took = time.monotonic() - started
        assert not left, f"still running {STOP_LIMIT:.0f} s after the signal: {left}"
        assert script.wait(timeout=1) == (130 if how == "ctrl-c" else 143)
        said = output.read_text()
        assert "Stopping the site, the worker and beat." in said
        assert ("killing what is left" in said) == (how == "stuck-worker"), said[-2000:]
        print(f"{how}: every process gone {took:.1f} s after the signal")
    finally:
        # Whatever went wrong above, leave nothing running: the script's group,
        # then every process with this VAR_DIR (the site, worker and beat have
        # process groups of their own).
        for kill, pid in [(os.killpg, script.pid), *((os.kill, pid) for pid in _processes(var_dir))]:
            try:
                kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        script.wait(timeout=10)
