"""Run the four fault scripts one after the other and print their verdicts.

    .venv/bin/python benchmarks/faults/run_all.py [--pg-cluster private|main]

Bounded (each script has its own deadline, about five minutes in all on two
cores), loopback only; everything each script starts, it stops.
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = str(HERE.parents[1] / ".venv" / "bin" / "python")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-cluster", choices=["private", "main"], default="private")
    args = parser.parse_args()
    runs = [
        ("(a) worker killed mid-send", ["worker_kill.py"]),
        ("(b) Redis restarted with tasks queued", ["redis_restart.py"]),
        ("(c) PostgreSQL restarted under load", ["pg_restart.py", "--cluster", args.pg_cluster]),
        ("(d) race of invite/accept/decline/withdraw", ["race.py"]),
    ]
    verdicts = []
    for title, argv in runs:
        print(f"\n##### {title}: {' '.join(argv)}", flush=True)
        proc = subprocess.run([PY, str(HERE / argv[0]), *argv[1:]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(proc.stdout, flush=True)
        last = [line for line in proc.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
        verdicts.append((title, proc.returncode, last[-1] if last else f"exit {proc.returncode}"))
    print("\n##### Summary")
    for title, code, line in verdicts:
        print(f"{title}: {line}")
    return 0 if all(code == 0 for _, code, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
