"""Benchmark ``ems demo-data``: wall time, electors/second and peak RSS on SQLite and PostgreSQL.

Each run uses a fresh database (a new SQLite file in a temporary directory, or a new
PostgreSQL database that is dropped afterwards), runs ``ems migrate`` there, then times the
``ems demo-data`` step alone as a child process. Peak RSS is that child's ``ru_maxrss`` from
``os.wait4``. ``job_s`` is the job's own time (``JobRun.started_at`` → ``finished_at``), i.e.
without process start-up and the demo users' password hashing.

    python bench/demo_data_bench.py                       # 100k and 1M on both databases
    python bench/demo_data_bench.py --sizes 100000 --databases sqlite

Writes bench/results/demo_data.json and prints a table. PostgreSQL is skipped, with a message,
if the server in ``--pg-url`` (default ``$DATABASE_URL_PG`` or postgres@127.0.0.1:5432) does not
answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "demo_data.json"
GSS = "E07000999"
DEFAULT_PG = os.environ.get("DATABASE_URL_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _pg_version(url: str) -> str | None:
    try:
        with psycopg.connect(_with_db(url, "postgres"), connect_timeout=3) as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return None


def _pg_admin(url: str, sql: str) -> None:
    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _machine(pg_version: str | None) -> dict[str, Any]:
    return machine_info(sqlite=sqlite3.sqlite_version, postgresql=pg_version)


def _run(cmd: list[str], env: dict[str, str], cwd: Path, log: Path) -> tuple[int, float, int]:
    """Run ``cmd``; return (exit code, wall seconds, peak RSS in KiB) of that child alone."""
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_maxrss


def _job_seconds(database: str, url: str) -> tuple[float | None, int | None]:
    sql = (
        "SELECT started_at, finished_at, (SELECT COUNT(*) FROM register_elector) FROM jobs_jobrun "
        "WHERE kind = 'register.demo_data' ORDER BY id DESC LIMIT 1"
    )
    if database == "sqlite":
        with sqlite3.connect(urlsplit(url).path) as conn:
            row = conn.execute(sql).fetchone()
        if row is None:
            return None, None
        started, finished = (dt.datetime.fromisoformat(v) for v in row[:2])
    else:
        with psycopg.connect(url) as conn:
            row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
        if row is None:
            return None, None
        started, finished = row[0], row[1]
    return round((finished - started).total_seconds(), 2), int(row[2])


TABLES = ("register_property", "register_elector")


def _baseline_seconds(database: str, url: str) -> float:
    """Raw bulk-load time for the same rows the job wrote: the floor any generator could reach.

    PostgreSQL: the rows are copied out, then ``COPY ... FROM STDIN`` into empty tables built
    ``LIKE`` the originals (same indexes and constraints) — only the COPY FROM is timed.
    SQLite: ``INSERT INTO copy SELECT * FROM original`` into tables with the same DDL and indexes.
    """
    if database == "postgresql":
        with psycopg.connect(url) as conn:
            dumps = {}
            for table in TABLES:
                with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:  # type: ignore[arg-type]
                    dumps[table] = b"".join(bytes(chunk) for chunk in copy)
                conn.execute(f"CREATE TABLE baseline_{table} (LIKE {table} INCLUDING ALL)")  # type: ignore[arg-type]
            conn.commit()
            start = time.perf_counter()
            for table in TABLES:
                with conn.cursor().copy(f"COPY baseline_{table} FROM STDIN") as copy:  # type: ignore[arg-type]
                    copy.write(dumps[table])
            conn.commit()
            return time.perf_counter() - start
    with sqlite3.connect(urlsplit(url).path) as conn:
        for table in TABLES:
            for (ddl,) in conn.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC", (table,)
            ).fetchall():
                ddl = re.sub(rf'(?<![\w"])"?{table}"?(?![\w"])', f'"baseline_{table}"', ddl, count=1)
                ddl = re.sub(r'(INDEX (?:IF NOT EXISTS )?)"?(\w+)"?', r'\1"b_\2"', ddl, count=1)
                conn.execute(ddl)
        conn.commit()
        start = time.perf_counter()
        for table in TABLES:
            conn.execute(f"INSERT INTO baseline_{table} SELECT * FROM {table}")  # noqa: S608 - fixed table names
        conn.commit()
        return time.perf_counter() - start


def bench_one(database: str, size: int, seed: int, pg_url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ems-demo-bench-") as tmp:
        tmpdir = Path(tmp)
        db_name = f"ems_bench_demo_{os.getpid()}_{size}"
        url = f"sqlite:///{tmpdir / 'ems.sqlite3'}" if database == "sqlite" else _with_db(pg_url, db_name)
        if database == "postgresql":
            _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{db_name}"')
            _pg_admin(pg_url, f'CREATE DATABASE "{db_name}"')
        env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="ems.config.settings.local", EMS_VAR_DIR=tmp)
        ems = [sys.executable, "-m", "ems.cli"]
        try:
            code, _, _ = _run([*ems, "migrate", "--no-input", "-v", "0"], env, tmpdir, tmpdir / "migrate.log")
            if code != 0:
                raise RuntimeError(f"migrate failed:\n{(tmpdir / 'migrate.log').read_text()[-2000:]}")
            args = ["demo-data", "--electors", str(size), "--seed", str(seed), "--authority", GSS]
            code, wall, rss_kb = _run([*ems, *args], env, tmpdir, tmpdir / "demo.log")
            if code != 0:
                raise RuntimeError(f"demo-data failed:\n{(tmpdir / 'demo.log').read_text()[-2000:]}")
            job_s, electors = _job_seconds(database, url)
            baseline_s = _baseline_seconds(database, url)
            db_bytes = (tmpdir / "ems.sqlite3").stat().st_size if database == "sqlite" else None
        finally:
            if database == "postgresql":
                _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    return {
        "database": database,
        "electors": size,
        "seed": seed,
        "wall_s": round(wall, 2),
        "job_s": job_s,
        "electors_per_s": round(size / wall),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "baseline_raw_load_s": round(baseline_s, 2),
        "job_to_raw_load_ratio": round(job_s / baseline_s, 2) if job_s else None,
        "electors_written": electors,
        "sqlite_file_mb": round(db_bytes / 1024 / 1024, 1) if db_bytes else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated elector counts")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    pg_version = _pg_version(args.pg_url) if "postgresql" in databases else None
    if "postgresql" in databases and pg_version is None:
        print(f"PostgreSQL: SKIPPED - no server answering at {args.pg_url}", file=sys.stderr)
        databases.remove("postgresql")

    runs: list[dict[str, Any]] = []
    failed = False
    for database in databases:
        for size in sizes:
            print(f"{database:<10} {size:>10,} electors ...", end=" ", flush=True)
            try:
                run = bench_one(database, size, args.seed, args.pg_url)
            except (RuntimeError, psycopg.Error, OSError) as exc:
                print(f"FAILED: {exc}")
                failed = True
                continue
            print(f"{run['wall_s']:.1f} s")
            runs.append(run)

    result = {
        "benchmark": "demo_data",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": _machine(pg_version),
        "runs": runs,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")

    header = (
        f"{'database':<11}{'electors':>11}{'wall s':>9}{'job s':>9}{'electors/s':>12}{'peak RSS MB':>13}"
        f"{'raw load s':>12}{'ratio':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in runs:
        print(
            f"{r['database']:<11}{r['electors']:>11,}{r['wall_s']:>9.1f}{r['job_s'] or 0:>9.1f}"
            f"{r['electors_per_s']:>12,}{r['peak_rss_mb']:>13.1f}"
            f"{r['baseline_raw_load_s']:>12.1f}{r['job_to_raw_load_ratio'] or 0:>7.1f}"
        )
    print(f"\nwritten to {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
