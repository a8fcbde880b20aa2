"""Benchmark the eligibility run and its preview diff for a combined poll over a whole register.

In one database (``DATABASE_URL``; PostgreSQL for the targets):

  1. the register: ``ems demo-data --electors N`` for a demo authority, unless it already holds
     that many electors (``--reuse``; building 1,000,000 takes a few minutes);
  2. a combined poll covering the authority: local elections with a ballot per ward and a Police
     and Crime Commissioner election across the council, on Thursday 6 May 2027, taken together;
  3. **run 1**: every elector decided for each ballot (``ems.polling.eligibility.compute``, the
     job's own code, in-process), then signed off;
  4. changes: ``--changes`` electors are deleted before polling day and as many amended (a
     marker change), through the register's own services;
  5. **run 2** with its **preview diff** against run 1 (the diff step is also timed on its own).

Targets (brief, issue 4): run <= 60 s and diff <= 30 s at 1,000,000 electors on PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ems_bench python bench/eligibility_bench.py \\
        --electors 1000000 [--reuse] [--changes 2000]

Writes bench/results/eligibility.json and prints a table. Unknown arguments are ignored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ems.config.settings.local")

from machine import machine_info  # noqa: E402 - bench/ is not a package

RESULTS = HERE / "results" / "eligibility.json"
POLL_DAY = dt.date(2027, 5, 6)
RUN_TARGET_S = 60.0
DIFF_TARGET_S = 30.0


def _setup() -> None:
    import django

    django.setup()


def build_register(gss: str, electors: int, reuse: bool) -> float | None:
    from django.core.management import call_command

    from ems.core.models import Authority
    from ems.register.models import Elector

    authority = Authority.objects.filter(gss_code=gss).first()
    have = Elector.records.filter(authority=authority).count() if authority else 0
    if reuse and have >= electors * 0.99:
        return None
    started = time.perf_counter()
    call_command("demo-data", "--electors", str(electors), "--seed", "7", "--authority", gss)
    return round(time.perf_counter() - started, 1)


def combined_poll(gss: str) -> Any:
    """Local ballots per ward plus a council-wide PCC ballot on one day, combined (reused if present)."""
    from django.db import transaction

    from ems.core.models import Authority
    from ems.elections import services as elections
    from ems.elections.models import CombinedPoll, ElectionGroup
    from ems.geography.models import AreaType, ElectoralArea
    from ems.polling import services
    from ems.polling.models import Poll

    authority = Authority.objects.get(gss_code=gss)
    existing = Poll.objects.filter(authority=authority, combined__isnull=False).first()
    if existing is not None:
        return existing
    wards = list(ElectoralArea.objects.filter(authority=authority, area_type=AreaType.WARD).order_by("name"))
    with transaction.atomic():
        groups = []
        for kind, specs in (
            ("local", [elections.BallotSpec(area=ward) for ward in wards]),
            ("pcc", [elections.BallotSpec(area=None, title=f"{authority.name} police area")]),
        ):
            group = ElectionGroup.objects.filter(authority=authority, election_type=kind, poll_date=POLL_DAY).first()
            if group is None:
                group = elections.election_group_create(
                    acting_user=None, authority=authority, election_type=kind, nation="ENG", poll_date=POLL_DAY,
                    ballots=specs,
                )  # fmt: skip
                elections.election_notice_publish(acting_user=None, group=group)
            groups.append(group)
        combined = CombinedPoll.objects.filter(authority=authority).first() or elections.combined_poll_create(
            acting_user=None, authority=authority, name="Combined polls 6 May 2027",
            ballots=[b for g in groups for b in g.ballots.all()], lead_group=groups[0],
        )  # fmt: skip
        return services.poll_open(acting_user=None, authority=authority, combined=combined)


def timed_run(poll: Any) -> tuple[Any, float, float]:
    """Run the eligibility check in-process (the job's code); returns (run, seconds, diff seconds)."""
    from django.db import transaction

    from ems.jobs.runner import JobContext
    from ems.polling import eligibility, services
    from ems.polling.models import EligibilityRun

    run = services.eligibility_run_start(acting_user=None, poll=poll, enqueue=False)
    context = JobContext(run.job)
    diff_seconds = [0.0]
    original = eligibility._write_diff

    def timed_diff(run_: Any, plans: Any) -> None:
        started = time.perf_counter()
        original(run_, plans)
        diff_seconds[0] = time.perf_counter() - started

    eligibility._write_diff = timed_diff  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        eligibility.compute(
            run, progress=lambda done, work: context.commit_unit(work or (lambda: None), done=done, checkpoint={})
        )
        seconds = time.perf_counter() - started
    finally:
        eligibility._write_diff = original  # type: ignore[assignment]
    with transaction.atomic():
        run = EligibilityRun.objects.get(pk=run.pk)
    return run, seconds, diff_seconds[0]


def sign_off(run: Any) -> None:
    from ems.accounts.models import User
    from ems.polling import services

    ro = User.objects.filter(authority_id=run.authority_id, role="ro").first()
    assert ro is not None, "the demo authority has a Returning Officer user"
    services.eligibility_run_sign_off(acting_user=ro, run=run, exclusions_reviewed=True, note="benchmark")


def make_changes(gss: str, count: int) -> int:
    import random

    from ems.register import services_alterations as alterations
    from ems.register.models import Elector

    rng = random.Random(11)
    ids = list(Elector.records.filter(authority__gss_code=gss, deleted_on=None).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(len(ids), 2 * count))
    electors = {e.pk: e for e in Elector.records.filter(pk__in=chosen).select_related("polling_district", "property")}
    day = dt.date(2027, 4, 1)  # before the registration deadline: the changes count
    made = 0
    for pk in sorted(chosen[:count]):
        alterations.elector_delete(acting_user=None, elector=electors[pk], reason="Benchmark", effective_date=day)
        made += 1
    for pk in sorted(chosen[count:]):
        markers = "G" if not electors[pk].markers else ""
        alterations.elector_amend(
            acting_user=None, elector=electors[pk], changes={"markers": markers}, reason="Benchmark", effective_date=day
        )
        made += 1
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--electors", type=int, default=100_000)
    parser.add_argument("--gss", default="E07000310")
    parser.add_argument("--reuse", action="store_true", help="Use the register already in the database")
    parser.add_argument("--changes", type=int, default=1000, help="Deletions (and as many amendments) before run 2")
    args, _unknown = parser.parse_known_args()
    _setup()
    from django.db import connection

    from ems.polling import selectors
    from ems.polling.models import EligibilityEntry

    build_s = build_register(args.gss, args.electors, args.reuse)
    poll = combined_poll(args.gss)
    ballots = len(selectors.contested_ballots(poll))
    first, first_s, _ = timed_run(poll)
    sign_off(first)
    changed = make_changes(args.gss, args.changes)
    second, second_s, diff_s = timed_run(poll)
    counts = selectors.run_ballots(second)
    result = {
        "benchmark": "eligibility",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "electors": first.electors,
        "ballots": ballots,
        "entries_per_run": EligibilityEntry.objects.filter(run_id=first.pk).count(),
        "register_build_s": build_s,
        "run_1_s": round(first_s, 2),
        "run_1_electors_per_s": round(first.electors / first_s) if first_s else None,
        "changes_recorded": changed,
        "run_2_with_diff_s": round(second_s, 2),
        "diff_s": round(diff_s, 2),
        "diff_rows": sum(b.entered + b.left + b.reason_changed for b in counts),
        "eligible_run_2": sum(b.eligible for b in counts),
        "run_target_s": RUN_TARGET_S,
        "diff_target_s": DIFF_TARGET_S,
        "run_target_met": first_s <= RUN_TARGET_S,
        "diff_target_met": diff_s <= DIFF_TARGET_S,
        "machine": machine_info(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    width = max(len(k) for k in result)
    for key, value in result.items():
        if key != "machine":
            print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
