"""Benchmark poll cards: the print-supplier CSV from the signed-off list, and the 2-up PDF.

Two parts:

* **PDF** (no database): ``--cards`` synthetic cards (combined poll, a QR code each) rendered by
  ``ems.polling.documents.render_poll_cards_pdf`` in this one process, so the rate is per core.
  ``cold_s`` includes typst's start-up (fonts); ``cards_per_s`` is the best of ``--repeat`` warm
  renders, each of different cards.
  Target: at least 150 cards a second per core (checked on the cold render).
* **CSV** (``--csv``, needs ``DATABASE_URL`` with the register and combined poll of
  ``bench/eligibility_bench.py``): every polling district is given a station (bench data), the
  latest eligibility run is signed off (or a new one run), and the cards of districts holding
  ``--csv-electors`` electors are written with ``poll_cards.write_cards_csv`` over the same
  streamed query the job uses. Target: 750,000 electors in at most 60 s.

    python bench/poll_cards_bench.py [--cards 2000] [--repeat 3]
    DATABASE_URL=postgresql://… python bench/poll_cards_bench.py --csv [--csv-electors 750000]

Writes bench/results/poll_cards.json (keeping the other part's last result) and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from machine import machine_info  # noqa: E402 - bench/ is not a package

RESULTS = HERE / "results" / "poll_cards.json"
POLL_DAY = dt.date(2027, 5, 6)
PDF_TARGET = 150.0
CSV_TARGET_S = 60.0
STREETS = ("High Street", "Church Lane", "Mill Road", "Station Road", "The Green", "Orchard Close")
NAMES = ("Oliver Smith", "Amelia Jones", "Dafydd Williams", "Siân Taylor", "Aoife O'Brien", "Zofia Nowak")


def synthetic_cards(count: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    cards = []
    for i in range(count):
        kind = rng.choices(["elector", "postal", "proxy"], weights=[78, 20, 2])[0]
        cards.append(
            {
                "card_type": kind,
                "elector_number": f"{chr(65 + seed % 26)}B-{i + 1}"
                + (f"/{rng.randint(1, 3)}" if rng.random() < 0.03 else ""),
                "deliver_to_name": rng.choice(NAMES),
                "deliver_to_address_1": f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
                "deliver_to_address_2": "Testshire",
                "deliver_to_postcode": f"TS{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
                "ballots": "North ward | Testshire Police and Crime Commissioner",
                "station_number": str(rng.randint(1, 40)),
                "station_name": "Village Hall",
                "station_address": "1 Hall Lane, Testshire",
                "station_postcode": "TS1 1AA",
            }
        )
    return cards


def bench_pdf(count: int, repeat: int) -> dict[str, Any]:
    """Cold: the first render in the process (typst loads its fonts). Warm: each repeat renders a
    different set of cards (typst memoises layout, so the same input twice would flatter it)."""
    from ems.polling import documents

    def render(cards: list[dict[str, Any]]) -> tuple[float, bytes]:
        started = time.perf_counter()
        pdf = documents.render_poll_cards_pdf(cards, authority_name="Testshire", title="Poll cards", poll_date=POLL_DAY)
        return time.perf_counter() - started, pdf

    sets = [synthetic_cards(count, seed) for seed in range(repeat + 1)]
    cold, pdf = render(sets[0])
    assert pdf.startswith(b"%PDF")
    warm = [render(cards)[0] for cards in sets[1:]]
    best = min(warm)
    return {
        "cards": count,
        "pages": (count + 1) // 2,
        "cold_s": round(cold, 3),
        "warm_s": [round(t, 3) for t in warm],
        "cards_per_s_cold": round(count / cold, 1),
        "cards_per_s": round(count / best, 1),
        "cards_per_s_worst_warm": round(count / max(warm), 1),
        "bytes": len(pdf),
        "target_cards_per_s": PDF_TARGET,
        "target_met": min(count / cold, count / max(warm)) >= PDF_TARGET,
    }


def _ready_run(gss: str) -> tuple[Any, Any]:
    """The combined poll with every district allotted and a current signed-off run."""
    from ems.accounts.models import User
    from ems.geography.models import PollingPlace, PollingStation
    from ems.jobs.runner import JobContext
    from ems.polling import eligibility, selectors, services
    from ems.polling.models import Poll, RunState

    poll = Poll.objects.filter(authority__gss_code=gss, combined__isnull=False).first()
    if poll is None:
        raise SystemExit("Run bench/eligibility_bench.py first: it builds the register and the combined poll")
    for district in selectors.unallocated_districts(poll):
        place, _ = PollingPlace.objects.get_or_create(
            authority_id=poll.authority_id, code=f"BENCH-{district.code}",
            defaults={"name": f"{district.name} Hall", "address_1": "1 Hall Lane", "postcode": "TS1 1AA"},
        )  # fmt: skip
        station, _ = PollingStation.objects.get_or_create(
            authority_id=poll.authority_id, code=f"BENCH-{district.code}",
            defaults={"number": district.code, "place": place, "district": district},
        )  # fmt: skip
        services.station_allocation_set(acting_user=None, poll=poll, district=district, station=station)
    status = selectors.production_run(poll)
    if not status.ok:
        latest = selectors.latest_run(poll)
        if latest is None or latest.state != RunState.READY or selectors.run_staleness(latest):
            latest = services.eligibility_run_start(acting_user=None, poll=poll, enqueue=False)
            context = JobContext(latest.job)
            eligibility.compute(
                latest, progress=lambda d, w: context.commit_unit(w or (lambda: None), done=d, checkpoint={})
            )
            latest.refresh_from_db()
        ro = User.objects.filter(authority_id=poll.authority_id, role="ro").first()
        services.eligibility_run_sign_off(acting_user=ro, run=latest, exclusions_reviewed=True, note="benchmark")
        status = selectors.production_run(poll)
    assert status.ok and status.run is not None, status.problem
    return poll, status.run


def bench_csv(gss: str, electors: int) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count

    from ems.polling import poll_cards
    from ems.polling.models import EligibilityEntry

    poll, run = _ready_run(gss)
    per_district = dict(
        EligibilityEntry.objects.filter(run_id=run.pk, eligible=True)
        .values_list("district_id")
        .annotate(n=Count("elector_id", distinct=True))
        .values_list("district_id", "n")
    )
    chosen: list[int] = []
    total = 0
    for district_id, n in sorted(per_district.items()):
        if total >= electors:
            break
        chosen.append(district_id)
        total += n
    context = poll_cards.card_context(poll, run)
    with tempfile.TemporaryDirectory() as folder:
        supplier = Path(folder) / "cards.csv"
        started = time.perf_counter()
        with supplier.open("w", encoding="utf-8", newline="") as out, io.StringIO() as inhouse:
            cards, anonymous = poll_cards.write_cards_csv(
                poll_cards.iter_voters(run, district_ids=chosen), context, out, inhouse
            )
        seconds = time.perf_counter() - started
        size = supplier.stat().st_size
    return {
        "database": connection.vendor,
        "electors": total,
        "districts": len(chosen),
        "cards": cards,
        "anonymous_in_house": anonymous,
        "seconds": round(seconds, 2),
        "electors_per_s": round(total / seconds) if seconds else None,
        "bytes": size,
        "target_s": CSV_TARGET_S,
        "target_met": seconds <= CSV_TARGET_S * total / 750_000 if total else False,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--csv", action="store_true", help="Also (only, with --no-pdf) the CSV from the database")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--csv-electors", type=int, default=750_000)
    parser.add_argument("--gss", default="E07000310")
    args, _unknown = parser.parse_known_args()
    result: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    result.update({"benchmark": "poll_cards", "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    if not args.no_pdf:
        result["pdf"] = bench_pdf(args.cards, args.repeat)
    if args.csv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ems.config.settings.local")
        import django

        django.setup()
        result["csv"] = bench_csv(args.gss, args.csv_electors)
    result["machine"] = machine_info()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for part in ("pdf", "csv"):
        if part in result:
            print(part)
            for key, value in result[part].items():
                print(f"  {key:<22} {value}")


if __name__ == "__main__":
    main()
