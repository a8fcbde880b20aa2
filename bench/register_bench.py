"""Register benchmarks at scale (issue: register of electors).

For each database (PostgreSQL, SQLite) in a fresh database:
  1. ``ems demo-data`` builds the source register (N electors);
  2. register "as at" the revised-register date, in-process (``register_as_at``);
  3. ``ems register export --kind full --format csv`` (publish the full register CSV);
  4. ``ems register import`` of that CSV into a new, migrated database (a council moving to the
     EMS; on PostgreSQL also into the database that holds the source register), and two
     baselines in the same run: a raw PostgreSQL ``COPY`` of the rows the import wrote
     (properties, electors, alterations) into the same tables with the same indexes and keys,
     in a fresh database of the same schema (the ratio the issue asks for), and a ``COPY`` of
     the CSV file itself into an index-free staging table (the floor of any load);
  5. elector search p95 over >= 1,000 varied queries (name fragment, postcode, elector number),
     when the search selector exists.

    python bench/register_bench.py [--electors 1000000] [--databases postgresql,sqlite]

Writes bench/results/register.json and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "register.json"
SOURCE, TARGET = "E07000998", "E07000997"
AS_AT = "2025-12-01"
DEFAULT_PG = os.environ.get("DATABASE_URL_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

AS_AT_SCRIPT = r"""
import datetime as dt, json, sys, time
from ems.core.models import Authority
from ems.register.selectors import iter_register_as_at
authority = Authority.objects.get(gss_code=sys.argv[1])
t = time.perf_counter()
count = sum(1 for _ in iter_register_as_at(authority.pk, dt.date.fromisoformat(sys.argv[2])))
print("RESULT " + json.dumps({"as_at_s": round(time.perf_counter() - t, 2), "as_at_entries": count}))
"""

SEARCH_SCRIPT = r"""
import json, random, statistics, sys, time
from ems.accounts.models import User
from ems.core.models import Authority
from ems.register.models import Elector
from ems.register.selectors import elector_search_results_for_user, with_number_key
authority = Authority.objects.get(gss_code=sys.argv[1])
user = User.objects.filter(authority=authority, role="officer").first()
rng = random.Random(7)
ids = list(Elector.records.filter(authority=authority).values_list("pk", flat=True))
sample = list(Elector.records.filter(pk__in=rng.sample(ids, 1600)).select_related("property", "polling_district"))
rng.shuffle(sample)
queries = []
for e in sample[:400]:  # surname fragments
    queries.append(("name", e.surname[: rng.randint(3, 6)].lower()))
for e in sample[400:600]:  # first name and part of the surname
    queries.append(("name", f"{e.first_names.split()[0]} {e.surname[:4]}"))
for e in sample[600:800]:  # a street, or a name and a street
    street = (e.property.address_1 if e.property else e.surname).split()[-2:]
    words = [w for w in street if not w.isdigit()][:1] or [e.surname]
    queries.append(("address", words[0].lower() if rng.random() < 0.5 else f"{e.surname[:3]} {words[0][:5]}"))
for e in sample[800:1100]:  # full postcodes, some as officers type them
    pc = e.property.postcode if e.property else "AB1 2CD"
    queries.append(("postcode", pc if rng.random() < 0.5 else pc.replace(" ", "").lower()))
for e in sample[1100:1150]:  # outward codes
    queries.append(("postcode", (e.property.postcode if e.property else "AB1 2CD").split()[0]))
for e in sample[1150:1600]:  # elector numbers
    queries.append(("number", f"{e.polling_district.code}-{e.elector_number}"))
rng.shuffle(queries)
budget, start, times, broad = float(sys.argv[2]), time.perf_counter(), {}, 0
for kind, q in queries:
    if time.perf_counter() - start > budget:
        break
    t = time.perf_counter()
    # What the search page runs: the capped matches (and so their count), the first page by name.
    results = elector_search_results_for_user(user, q)
    list(with_number_key(results.electors).order_by("name_key", "pk")[:50])
    times.setdefault(kind, []).append(time.perf_counter() - t)
    broad += results.more
every = sorted(x for v in times.values() for x in v)
out = {"search_queries": len(every), "search_p50_ms": round(statistics.median(every) * 1000, 1),
       "search_p95_ms": round(every[int(len(every) * 0.95)] * 1000, 1),
       "search_max_ms": round(every[-1] * 1000, 1), "search_over_cap": broad}
for kind, v in times.items():
    v.sort()
    out[f"search_{kind}_n"] = len(v)
    out[f"search_{kind}_p50_ms"] = round(statistics.median(v) * 1000, 1)
    out[f"search_{kind}_p95_ms"] = round(v[int(len(v) * 0.95)] * 1000, 1)
print("RESULT " + json.dumps(out))
"""


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _run(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, int, str]:
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=out, text=True)
        stdout = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd[2:5])} failed: {log.read_text()[-1500:]}")
    return wall, usage.ru_maxrss, stdout


def _copy_staging(url: str, csv_path: Path) -> float:
    """The file as it is, into a staging table with no index: the floor of any load."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TEMP TABLE supply_baseline (prefix text, number int, suffix int, markers text, dob text, "
            "name text, postcode text, a1 text, a2 text, a3 text, a4 text, a5 text, a6 text, uprn bigint)"
        )
        start = time.perf_counter()
        copy_sql = "COPY supply_baseline FROM STDIN WITH (FORMAT csv, HEADER true)"
        with conn.cursor().copy(copy_sql) as copy, csv_path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - start


# What the import writes for the target authority, in load order (parents first).
_BASELINE_TABLES = (
    ("core_authority", "gss_code = %(gss)s", False),
    ("geography_electoralarea", "authority_id = %(pk)s", False),
    ("geography_pollingdistrict", "authority_id = %(pk)s", False),
    ("register_notice", "authority_id = %(pk)s", False),
    ("register_property", "authority_id = %(pk)s", True),
    ("register_elector", "authority_id = %(pk)s", True),
    ("register_alteration", "authority_id = %(pk)s", True),
)


def _copy_same_rows(pg_url: str, url: str, template: str, target_gss: str, tmpdir: Path) -> float:
    """The same rows the import wrote (properties, electors, alterations), COPYed into the same
    tables, with the same indexes and constraints, in one transaction, in a fresh database made
    from the migrated schema: the database's own bulk-load speed for this load."""
    files = []
    with psycopg.connect(url) as conn:
        pk = conn.execute("SELECT id FROM core_authority WHERE gss_code = %s", [target_gss]).fetchone()[0]
        for table, where, timed in _BASELINE_TABLES:
            path = tmpdir / f"{table}.copy"
            query = f"COPY (SELECT * FROM {table} WHERE {where}) TO STDOUT"  # noqa: S608 - our names
            with (
                path.open("wb") as out,
                conn.cursor().copy(psycopg.sql.SQL(query).format(), {"gss": target_gss, "pk": pk}) as copy,
            ):
                for data in copy:
                    out.write(data)
            files.append((table, path, timed))
    name = f"{template}_base"
    with psycopg.connect(_with_db(pg_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        with psycopg.connect(_with_db(pg_url, name)) as conn:
            start = 0.0
            for table, path, timed in files:
                if timed and not start:
                    conn.commit()  # the small parent rows are set-up, not timed
                    start = time.perf_counter()
                with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy, path.open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
            conn.commit()
            return time.perf_counter() - start
    finally:
        with psycopg.connect(_with_db(pg_url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _script(script: str, *args: str) -> str:
    return f"import sys; sys.argv = ['bench', *{list(args)!r}]\n" + script


def _parse(out: str) -> dict[str, Any]:
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return dict(json.loads(line[7:]))


def bench(
    database: str, electors: int, pg_url: str, reuse: str | None, search_budget: float, keep: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ems-register-bench-") as tmp:
        tmpdir = Path(tmp)
        name = reuse or f"ems_bench_register_{os.getpid()}"
        url = f"sqlite:///{tmpdir / 'ems.sqlite3'}" if database == "sqlite" else _with_db(pg_url, name)
        if database == "postgresql" and not reuse:
            with psycopg.connect(_with_db(pg_url, "postgres"), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="ems.config.settings.local", EMS_VAR_DIR=tmp)
        ems = [sys.executable, "-m", "ems.cli"]
        result: dict[str, Any] = {"database": database, "electors": electors}
        try:
            template = f"{name}_schema"
            if database == "postgresql":  # a migrated, empty schema, for the COPY baseline
                with psycopg.connect(_with_db(pg_url, "postgres"), autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
                    conn.execute(f'CREATE DATABASE "{template}"')
                schema_env = dict(env, DATABASE_URL=_with_db(pg_url, template))
                _run([*ems, "migrate", "--no-input", "-v", "0"], schema_env, tmpdir / "schema.log")
            if not reuse:
                _run([*ems, "migrate", "--no-input", "-v", "0"], env, tmpdir / "migrate.log")
                wall, _, _ = _run(
                    [*ems, "demo-data", "--electors", str(electors), "--seed", "3", "--authority", SOURCE],
                    env,
                    tmpdir / "demo.log",
                )
                result.update(demo_data_s=round(wall, 1))
            _, _, out = _run([*ems, "shell", "-c", _script(AS_AT_SCRIPT, SOURCE, AS_AT)], env, tmpdir / "asat.log")
            result.update(_parse(out))
            print("  as-at done", flush=True)
            csv_path = tmpdir / "full.csv"
            export = ["register", "export", "--authority", SOURCE, "--kind", "full", "--format", "csv"]
            wall, rss, _ = _run([*ems, *export, "--out", str(csv_path), "--as-at", AS_AT], env, tmpdir / "export.log")
            rows = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
            result.update(export_csv_s=round(wall, 2), export_rows=rows, export_peak_rss_mb=round(rss / 1024))
            print("  export done", flush=True)
            target = f"E0{os.getpid() % 10_000_000:07d}"
            create = (
                "from ems.core.services import authority_create as c; "
                f"c(acting_user=None, name='Target {target}', gss_code='{target}', nation='ENG', authority_type='NMD')"
            )
            load = [
                "register",
                "import",
                str(csv_path),
                "--authority",
                target,
                "--json",
                "--effective-date",
                "2026-01-05",
            ]
            # The main figure: a council migrating into a new EMS database (the migrated, empty
            # schema). Then it is loaded into the database that holds the source register too
            # (a second council of the same size in one database).
            fresh_env, fresh_url = env, url
            if database == "postgresql":
                fresh = f"{name}_fresh"
                with psycopg.connect(_with_db(pg_url, "postgres"), autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
                    conn.execute(f'CREATE DATABASE "{fresh}" TEMPLATE "{template}"')
                fresh_url = _with_db(pg_url, fresh)
                fresh_env = dict(env, DATABASE_URL=fresh_url)
            else:  # SQLite: a second, freshly migrated database file
                fresh_url = f"sqlite:///{tmpdir / 'fresh.sqlite3'}"
                fresh_env = dict(env, DATABASE_URL=fresh_url)
                _run([*ems, "migrate", "--no-input", "-v", "0"], fresh_env, tmpdir / "fresh-migrate.log")
            try:
                _run([*ems, "shell", "-c", create], fresh_env, tmpdir / "target.log")
                wall, rss, out = _run([*ems, *load], fresh_env, tmpdir / "import.log")
                result.update(
                    import_s=round(wall, 2), import_peak_rss_mb=round(rss / 1024), import_counts=json.loads(out)
                )
                if database == "postgresql":
                    staging = _copy_staging(fresh_url, csv_path)
                    same_rows = _copy_same_rows(pg_url, fresh_url, template, target, tmpdir)
                    result.update(
                        copy_same_rows_s=round(same_rows, 2),
                        import_to_copy_ratio=round(wall / same_rows, 2),
                        copy_staging_s=round(staging, 2),
                        import_to_staging_ratio=round(wall / staging, 1),
                    )
            finally:
                if database == "postgresql":
                    with psycopg.connect(_with_db(pg_url, "postgres"), autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}_fresh" WITH (FORCE)')
            _run([*ems, "shell", "-c", create], env, tmpdir / "target-shared.log")
            wall, _, _ = _run([*ems, *load], env, tmpdir / "import-shared.log")
            result.update(import_into_shared_database_s=round(wall, 2))
            print("  import done", flush=True)
            search = _script(SEARCH_SCRIPT, SOURCE, str(search_budget))
            _, _, out = _run([*ems, "shell", "-c", search], env, tmpdir / "search.log")
            result.update(_parse(out))
        finally:
            if database == "postgresql":
                with psycopg.connect(_with_db(pg_url, "postgres"), autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}_schema" WITH (FORCE)')
                    if not keep:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--electors", type=int, default=1_000_000)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--reuse-db", help="PostgreSQL database that already holds the source register")
    parser.add_argument("--keep-db", action="store_true", help="Keep the PostgreSQL database afterwards")
    parser.add_argument("--search-seconds", type=float, default=180.0, help="Time budget for the search queries")
    args = parser.parse_args()
    runs = []
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        print(f"{database}: {args.electors:,} electors ...", flush=True)
        try:
            reuse = args.reuse_db if database == "postgresql" else None
            runs.append(
                bench(database, args.electors, args.pg_url, reuse, args.search_seconds, args.keep_db or bool(reuse))
            )
        except (RuntimeError, psycopg.Error) as exc:
            print(f"  FAILED: {exc}")
            continue
        print("  " + json.dumps(runs[-1]))
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for run in runs:
        run["timestamp"] = now
    # A run on one database keeps the last recorded run of the others (each run carries its time).
    kept = []
    if RESULTS.exists():
        earlier = json.loads(RESULTS.read_text())
        done = {run["database"] for run in runs}
        kept = [
            {**run, "timestamp": run.get("timestamp", earlier.get("timestamp"))}
            for run in earlier.get("runs", [])
            if run.get("database") not in done and run.get("electors") == args.electors
        ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"benchmark": "register", "timestamp": now, "runs": kept + runs}, indent=2) + "\n")
    print(f"written to {RESULTS}")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
