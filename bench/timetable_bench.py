"""Benchmark ``ems timetable``: the command-line subprocess and the pure function.

1. ``ems timetable --election-type ukpge --nation ENG --poll-date 2024-07-04 --json`` run as
   a fresh subprocess ``--runs`` times (at least 5). This is wall time including Python and
   Django start-up, the number a user waits for. The target is at most 1 s (median). The same
   number of runs of ``ems version`` gives the Django start-up floor for comparison.
2. ``ems_rules.timetables.compute_timetable`` in-process: the first (cold) call, then the
   median of many calls over every election type and nation (varied poll dates, so the
   calendar caches are exercised, not just hit).

    python bench/timetable_bench.py [--runs 7]

Writes bench/results/timetable.json and prints a summary. Unknown arguments (``make bench``
passes the same ones to every benchmark) are ignored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from machine import machine_info  # noqa: E402 - bench/ is not a package

RESULTS = HERE / "results" / "timetable.json"
LIMIT_S = 1.0
ARGS = ["--election-type", "ukpge", "--nation", "ENG", "--poll-date", "2024-07-04", "--json"]


def cli_runs(runs: int, command: list[str]) -> list[float]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    with tempfile.TemporaryDirectory() as tmp:
        env.update(
            DJANGO_SETTINGS_MODULE="ems.config.settings.local",
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'unused.sqlite3'}",
            EMS_VAR_DIR=str(Path(tmp) / "var"),
            PYTHONPATH=str(ROOT / "src"),
        )
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "ems.cli", *command], env=env, capture_output=True, text=True, check=False
            )
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"ems {command[0]} failed: {done.stderr.strip()}")
    return times


def pure_function(calls: int) -> dict[str, float]:
    start = time.perf_counter()
    from ems_rules import timetables

    imported = time.perf_counter()
    timetables.compute_timetable("ukpge", "ENG", dt.date(2024, 7, 4))
    first = time.perf_counter()
    combos = sorted(timetables.PROFILES, key=lambda k: (k[0].value, k[1].value))
    times = []
    for i in range(calls):
        kind, nation = combos[i % len(combos)]
        poll = dt.date(2026, 1, 1) + dt.timedelta(days=(i * 37) % 3650)
        t = time.perf_counter()
        timetables.compute_timetable(kind, nation, poll)
        times.append(time.perf_counter() - t)
    return {
        "import_ms": round((imported - start) * 1000, 2),
        "first_call_ms": round((first - imported) * 1000, 3),
        "median_call_ms": round(statistics.median(times) * 1000, 3),
        "p95_call_ms": round(sorted(times)[int(len(times) * 0.95)] * 1000, 3),
        "calls": calls,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="subprocess runs (at least 5)")
    parser.add_argument("--calls", type=int, default=2000, help="in-process calls of compute_timetable")
    options, _unknown = parser.parse_known_args()
    runs = max(options.runs, 5)

    baseline = cli_runs(runs, ["version"])  # Django start-up alone: the floor under any ems command
    cli = cli_runs(runs, ["timetable", *ARGS])
    pure = pure_function(options.calls)
    median = statistics.median(cli)
    result = {
        "benchmark": "timetable",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(load_average=list(os.getloadavg())),
        "command": "ems timetable " + " ".join(ARGS),
        "cli": {
            "runs": runs,
            "median_s": round(median, 3),
            "min_s": round(min(cli), 3),
            "max_s": round(max(cli), 3),
            "all_s": [round(t, 3) for t in cli],
            "within_limit": median <= LIMIT_S,
            "limit_s": LIMIT_S,
        },
        "django_startup_baseline": {"command": "ems version", "median_s": round(statistics.median(baseline), 3)},
        "pure_function": pure,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"ems timetable (subprocess, {runs} runs): median {median:.3f} s (min {min(cli):.3f}, max {max(cli):.3f})")
    print(f"ems version (Django start-up baseline): median {statistics.median(baseline):.3f} s")
    print(
        f"compute_timetable: import {pure['import_ms']} ms, first call {pure['first_call_ms']} ms, "
        f"median {pure['median_call_ms']} ms over {pure['calls']} calls"
    )
    print(f"-> {RESULTS}")
    return 0 if median <= LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
