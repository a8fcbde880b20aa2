"""Benchmark the exact STV counts on resampled Glasgow 2022 ballots.

No database and no Django: only ``ems_rules.count`` is imported. The ballot papers of one
Glasgow ward (default: Ward 6 Pollokshields, the largest, 10,362 papers and ten stages) are
expanded to one ballot per paper and resampled with a fixed random seed to 10,000 and 100,000
papers. Each run counts them from the ungrouped papers, so the time includes grouping identical
preference sequences into parcels. Resampling keeps the ward's few thousand distinct
sequences, so one more run (not held to the targets) counts the largest size made of random
orderings, where almost every paper is distinct: a worst case for grouping. The figure
reported is the median of ``--repeat`` runs (at least 3); ballots/s is papers ÷ median.
Targets: 10,000 papers in at most 1 s and 100,000 in at most 10 s on 2 cores.

    python bench/stv_bench.py                         # 10,000 and 100,000 papers, median of 5
    python bench/stv_bench.py --sizes 100000 --repeat 3

Writes bench/results/stv.json and prints a table. Unknown arguments (``make bench`` passes the
same ones to every benchmark) are ignored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from ems_rules.count import count_stv_ni, count_stv_scotland, read_blt  # noqa: E402 - after the path set-up
from ems_rules.count.blt import Ballot, Election  # noqa: E402
from ems_rules.count.types import StvResult  # noqa: E402

sys.path.insert(0, str(HERE))
from machine import machine_info  # noqa: E402 - bench/ is not a package

RESULTS = HERE / "results" / "stv.json"
WARD = Path("/work/shared/data/stv-glasgow-2022/blt/glasgow_2022_ward6.blt")
LIMITS_S = {10_000: 1.0, 100_000: 10.0}
ENGINES: dict[str, Callable[..., StvResult]] = {"stv-scotland": count_stv_scotland, "stv-ni": count_stv_ni}


def resample(election: Election, papers: int, seed: int) -> Election:
    """``papers`` ballots drawn with replacement from the ward's papers, each as its own ballot."""
    pool = [b.preferences for b in election.ballots for _ in range(b.weight)]
    rng = random.Random(seed)
    drawn = rng.choices(pool, k=papers)
    return Election(
        title=f"{election.title} resampled to {papers:,} papers (seed {seed})",
        seats=election.seats,
        candidates=election.candidates,
        ballots=tuple(Ballot(prefs, 1) for prefs in drawn),
    )


def random_orders(base: Election, papers: int, seed: int) -> Election:
    """A worst case for grouping: every paper a random ordering of a random number of the ward's
    candidates, so that almost every sequence is distinct."""
    rng = random.Random(seed)
    n = len(base.candidates)
    ballots = []
    for _ in range(papers):
        order = rng.sample(range(n), n)
        ballots.append(Ballot(tuple(order[: rng.randint(1, n)]), 1))
    return Election(f"{papers:,} random orderings (seed {seed})", base.seats, base.candidates, tuple(ballots))


def bench_one(base: Election, system: str, papers: int, seed: int, repeat: int, source: str) -> dict[str, Any]:
    election = resample(base, papers, seed) if source == "resampled" else random_orders(base, papers, seed)
    count = ENGINES[system]
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = count(election, seed=seed)
        times.append(time.perf_counter() - start)
    assert result is not None
    median = statistics.median(times)
    limit = LIMITS_S.get(papers)
    return {
        "system": system,
        "source": source,
        "papers": papers,
        "distinct_sequences": len({b.preferences for b in election.ballots}),
        "seed": seed,
        "repeat": repeat,
        "stages": len(result.stages),
        "elected": list(result.elected),
        "median_s": round(median, 4),
        "best_s": round(min(times), 4),
        "ballots_per_s": round(papers / median),
        "limit_s": limit,
        "within_limit": None if limit is None or source != "resampled" else median <= limit,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of ballot papers")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--ward", type=Path, default=WARD)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args, _ignored = parser.parse_known_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    repeat = max(3, args.repeat)

    start = time.perf_counter()
    base = read_blt(args.ward)
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    count_stv_scotland(base)
    ward_count_s = time.perf_counter() - start

    runs = []
    plan = [(system, papers, "resampled") for system in ENGINES for papers in sizes]
    plan += [("stv-scotland", max(sizes), "random orderings")]
    for system, papers, source in plan:
        print(f"{system:<13}{papers:>9,} papers ({source}) ...", end=" ", flush=True)
        run = bench_one(base, system, papers, args.seed, repeat, source)
        print(f"{run['median_s']:.3f} s median, {run['ballots_per_s']:,} ballots/s")
        runs.append(run)
    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    result = {
        "benchmark": "stv",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "base_ward": {
            "file": args.ward.name,
            "title": base.title,
            "papers": sum(b.weight for b in base.ballots),
            "distinct_sequences": len(base.ballots),
            "parse_s": round(parse_s, 4),
            "count_s": round(ward_count_s, 4),
        },
        "peak_rss_mb": peak_rss_mb,
        "runs": runs,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    header = (
        f"{'system':<14}{'source':<18}{'papers':>9}{'sequences':>11}{'stages':>8}"
        f"{'median s':>10}{'best s':>9}{'ballots/s':>12}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in runs:
        print(
            f"{r['system']:<14}{r['source']:<18}{r['papers']:>9,}{r['distinct_sequences']:>11,}{r['stages']:>8}"
            f"{r['median_s']:>10.3f}{r['best_s']:>9.3f}{r['ballots_per_s']:>12,}"
        )
    print(f"base ward parsed in {parse_s:.3f} s; peak RSS {peak_rss_mb} MB; written to {args.output}")
    return 0 if all(r["within_limit"] is not False for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
