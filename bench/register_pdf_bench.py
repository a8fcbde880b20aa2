"""Benchmark the register print PDF: one polling district of synthetic electors through typst.

No database and no Django: the entries are built here in the shape ``register_as_at`` returns,
and only ``ems.register.exporters.pdf`` is imported. Each run renders the whole part (street
order body, then "Other electors") and is timed end to end; ``prepare_s`` is the Python side
alone (``register_pdf_data``). ``first_s`` is the first render in the process; repeats
of the same input are much faster because typst memoises layout within a process, so
``first_s`` (and ``pages_per_s``, computed from it) is the number to plan print jobs with.
The target is 5,000 electors in at most 10 s on 2 cores.

    python bench/register_pdf_bench.py                  # 5,000 electors, best of 3
    python bench/register_pdf_bench.py --entries 5000,20000 --repeat 1

Writes bench/results/register_pdf.json and prints a table. Unknown arguments (``make bench``
passes the same ones to every benchmark) are ignored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from ems.register.exporters import pdf as register_pdf  # noqa: E402 - after the path set-up above

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info  # noqa: E402 - bench/ is not a package

RESULTS = HERE / "results" / "register_pdf.json"
AS_AT = dt.date(2026, 12, 1)
LIMIT_S = 10.0

STREETS = (
    "High Street",
    "Church Lane",
    "Mill Road",
    "Station Road",
    "The Green",
    "Orchard Close",
    "Victoria Terrace",
    "Manor Way",
)
FIRST = (
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Noah",
    "Mia",
    "Dafydd",
    "Siân",
    "Aoife",
    "Mohammed",
    "Zofia",
    "Jack",
    "Freya",
    "Rhys",
)
SURNAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "O'Brien",
    "Wilson",
    "Patel",
    "Nowak",
    "Khan",
    "Lewis",
    "Hughes",
)


def synthetic_entries(count: int, seed: int, code: str = "AB") -> list[dict[str, Any]]:
    """``count`` entries in street order: 1-4 electors a property, about 1% anonymous, 1.5% special category."""
    rng = random.Random(seed)
    entries: list[dict[str, Any]] = []
    prop = 0
    while len(entries) < count:
        prop += 1
        street = STREETS[(prop // 120) % len(STREETS)]
        surname = rng.choice(SURNAMES)
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 4))):
            if len(entries) == count:
                break
            n = len(entries) + 1
            roll = rng.random()
            attainer = rng.random() < 0.02
            entries.append(
                {
                    "ems_elector_id": f"00000000-0000-4000-8000-{n:012d}",
                    "polling_district_id": 1,
                    "polling_district_code": code,
                    "elector_number": n,
                    "elector_suffix": 1 if rng.random() < 0.01 else 0,
                    "title": "",
                    "first_names": f"{rng.choice(FIRST)} {rng.choice(FIRST)}"
                    if rng.random() < 0.3
                    else rng.choice(FIRST),
                    "surname": surname if rng.random() < 0.8 else rng.choice(SURNAMES),
                    "date_of_birth": "2009-03-12"
                    if attainer
                    else f"{rng.randint(1930, 2005)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    "markers": rng.choice(("", "", "", "", "", "", "G", "K", "L")),
                    "attainer_date": "2027-03-12" if attainer else None,
                    "open_register_opt_out": rng.random() < 0.6,
                    "is_anonymous": roll < 0.01,
                    "special_category": "overseas" if roll > 0.99 else "service" if roll > 0.985 else "",
                    "property_id": prop,
                    "address_1": f"{prop % 120 + 1} {street}",
                    "address_2": "",
                    "address_3": "Ambridge",
                    "address_4": "Borsetshire",
                    "address_5": "",
                    "address_6": "",
                    "postcode": f"AB{prop % 9 + 1} {prop % 10}CD",
                    "uprn": 100000000 + prop,
                }
            )
    return entries


def _pages(pdf: bytes) -> int | None:
    """Page count with pypdf (a dev dependency), or None when it is not installed."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _machine() -> dict[str, Any]:
    import typst

    return machine_info(typst=getattr(typst, "__version__", None))


def bench_one(count: int, seed: int, repeat: int) -> dict[str, Any]:
    entries = synthetic_entries(count, seed)
    kwargs: dict[str, Any] = {
        "entries": entries,
        "authority_name": "Borsetshire District Council",
        "title": "Register of electors – full",
        "kind": "full",
        "as_at": AS_AT,
        "published": AS_AT,
        "district_names": {"AB": "Ambridge"},
    }
    start = time.perf_counter()
    register_pdf.register_pdf_data(**kwargs)
    prepare_s = time.perf_counter() - start
    times = []
    pdf = b""
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = register_pdf.render_register_pdf(**kwargs)
        times.append(time.perf_counter() - start)
    pages = _pages(pdf)
    best = min(times)
    return {
        "entries": count,
        "kind": "full",
        "seed": seed,
        "repeat": repeat,
        "first_s": round(times[0], 3),
        "best_s": round(best, 3),
        "median_s": round(statistics.median(times), 3),
        "prepare_s": round(prepare_s, 3),
        "pages": pages,
        "pages_per_s": round(pages / times[0]) if pages else None,
        "pdf_mb": round(len(pdf) / 1024 / 1024, 2),
        "within_limit": times[0] <= LIMIT_S,
        "limit_s": LIMIT_S,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--entries", default="5000", help="comma-separated elector counts for one polling district")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args, _ignored = parser.parse_known_args()
    counts = [int(s.replace("_", "")) for s in args.entries.split(",") if s]

    runs = []
    for count in counts:
        print(f"{count:>8,} electors ...", end=" ", flush=True)
        run = bench_one(count, args.seed, max(1, args.repeat))
        print(f"{run['best_s']:.2f} s, {run['pages']} pages")
        runs.append(run)
    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    result = {
        "benchmark": "register_pdf",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "peak_rss_mb": peak_rss_mb,
        "runs": runs,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    header = (
        f"{'electors':>9}{'pages':>7}{'first s':>9}{'best s':>9}{'median s':>10}{'prepare s':>11}"
        f"{'pages/s':>9}{'PDF MB':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in runs:
        print(
            f"{r['entries']:>9,}{r['pages'] or 0:>7}{r['first_s']:>9.2f}{r['best_s']:>9.2f}{r['median_s']:>10.2f}"
            f"{r['prepare_s']:>11.3f}{r['pages_per_s'] or 0:>9}{r['pdf_mb']:>8.2f}"
        )
    print(f"peak RSS {peak_rss_mb} MB; written to {args.output}")
    return 0 if all(r["within_limit"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
