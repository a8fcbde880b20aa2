"""The eligibility run: every elector of each ballot's area, decided by ``ems_rules.eligibility``.

**The register in force** for a ballot (RPA 1983 s.13B; elections.md §2.2; registration.md §1.9)
is rebuilt from the register's alterations in one streamed query (the same ranking as
``register.selectors.iter_register_as_at``, ADR 0021): for each elector, the latest alteration
on or before the registration deadline (the *freeze*, the timetable's ``registration`` entry)
and the latest one after it up to polling day. Then, per ballot:

- no change after the freeze: the freeze entry stands;
- deleted after the freeze: the engine is told the day it left (``left_on``), and excludes it;
- added or amended after the freeze **with a legal exception**: the later entry counts, and the
  engine checks the exception's last day. The exception is a ``LateEntry`` the officer
  recorded, or — inferred — publication in an interim or final *election notice of alteration*,
  which by law carries only applications made by the deadline and determined after it
  (registration.md §1.9; ``LateEntryBasis.APPLICATION_DETERMINED``);
- added after the freeze **without** one: the elector is decided against the ballot with the
  later entry and excluded, "added after the registration deadline (date) without a legal
  exception", so the preview lists them;
- amended after the freeze without one: the freeze entry stands (an elector who moved ward
  after the deadline votes in the old ward; in the new ward's ballot they are listed as added
  after the deadline).

Special-category declaration expiry and absent votes are read from the elector's current
record (the register's alterations do not carry them).

**Storage and speed**: decisions are written with COPY on PostgreSQL (executemany on SQLite)
in chunks of ``CHUNK`` electors, each committed with the job's progress; the preview diff is one
``INSERT … SELECT`` per run (the same rule as ``ems_rules.eligibility.diff``, which the tests
check it against). Target: 1,000,000 electors of a combined poll in 60 s on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from ems.elections.models import Ballot, ElectionGroup, TimetableEntry
from ems.elections.selectors import ballot_districts
from ems.register.models import AbsentVote, Alteration, Elector, FranchiseMarker, NoticeKind

from . import law
from .models import (
    ChangeKind,
    EligibilityChange,
    EligibilityEntry,
    EligibilityRun,
    LateEntry,
    Poll,
    RunBallot,
    RunState,
)

CHUNK = 50_000
FETCH = 10_000
FREEZE_KEY = "registration"
FINAL_NOTICE_KEY = "final_notice_of_alteration"
ELECTION_NOTICE_KINDS = frozenset({NoticeKind.INTERIM_ELECTION.value, NoticeKind.FINAL_ELECTION.value})
INFERRED_BASIS = law.LateEntryBasis.APPLICATION_DETERMINED.value
POSTAL_VOTES = frozenset({AbsentVote.POSTAL.value, AbsentVote.POSTAL_PROXY.value})


class RunRefused(ValueError):
    """The run cannot start (a ballot without a registration deadline, say): one clear sentence."""


@dataclass
class BallotPlan:
    ballot: Ballot
    facts: law.BallotFacts
    districts: frozenset[int]
    freeze_index: int  # the bucket of the freeze date in the query's list of freezes
    counts: Counter[str] = field(default_factory=Counter)
    keys: list[tuple[int, int, int, int, bool]] = field(default_factory=list)  # elector, district, number, suffix, late
    rows: list[Any] = field(default_factory=list)


def freeze_dates(group: ElectionGroup) -> tuple[dt.date | None, dt.date | None]:
    """The registration deadline and the final election notice of alteration of an election."""
    entries = dict(
        TimetableEntry.objects.filter(group=group, key__in=[FREEZE_KEY, FINAL_NOTICE_KEY]).values_list(
            "key", "due_date"
        )
    )
    return entries.get(FREEZE_KEY), entries.get(FINAL_NOTICE_KEY)


def marker_rules() -> Any:
    return law.marker_table(
        FranchiseMarker.objects.values("code", "meaning", "poll_types", "valid_from", "valid_to", "nations", "source")
    )


def plan_ballots(poll: Poll, ballots: Sequence[Ballot], markers: Any) -> tuple[list[BallotPlan], list[dt.date]]:
    """Each ballot's engine facts and districts; refused with a sentence if one cannot be decided."""
    if not ballots:
        raise RunRefused("This poll has no ballots yet: add them in Elections first")
    plans: list[BallotPlan] = []
    freezes: dict[int, tuple[dt.date, dt.date | None]] = {}
    for ballot in ballots:
        group = ballot.group
        if group.pk not in freezes:
            freeze, final = freeze_dates(group)
            if freeze is None:
                raise RunRefused(
                    f"{group.name} has no registration deadline in its timetable: set the date of the "
                    "'Registration deadline' entry first"
                )
            if freeze > group.poll_date:
                raise RunRefused(f"{group.name}: the registration deadline is after polling day")
            freezes[group.pk] = (freeze, final)
        freeze, final = freezes[group.pk]
        facts = law.ballot_facts(
            ballot_id=ballot.dc_ballot_id,
            election_type=group.election_type,
            nation=group.nation,
            poll_date=group.poll_date,
            freeze_date=freeze,
            final_notice_date=final,
        )
        problem = law.check_ballot(facts, markers)
        if problem is not None:
            raise RunRefused(f"{ballot.title}: {problem}")
        districts = frozenset(ballot_districts(ballot).values_list("pk", flat=True))
        plans.append(BallotPlan(ballot, facts, districts, 0))
    order = sorted({p.facts.freeze_date for p in plans})
    for plan in plans:
        plan.freeze_index = order.index(plan.facts.freeze_date)
    return plans, order


# ---- reading the register --------------------------------------------------------------------------


def _json_text(key: str) -> str:
    return f"a.entry ->> '{key}'"


def _register_sql(freezes: Sequence[dt.date]) -> str:
    """Per elector and per freeze bucket, the latest alteration (and the bucket's first date)."""
    alteration = connection.ops.quote_name(Alteration._meta.db_table)
    notice = connection.ops.quote_name("register_notice")
    cases = " ".join(f"WHEN a.effective_date <= %(freeze{i})s THEN {i}" for i in range(len(freezes)))
    return (
        "SELECT elector_id, bucket, effective_date, first_date, kind, notice_kind, district_id,"  # noqa: S608
        " markers, dob, attainer, special, number, suffix FROM ("
        " SELECT t.*, ROW_NUMBER() OVER (PARTITION BY elector_id, bucket ORDER BY effective_date DESC, id DESC) AS rn,"
        " MIN(effective_date) OVER (PARTITION BY elector_id, bucket) AS first_date FROM ("
        " SELECT a.id, a.elector_id, a.effective_date, a.kind, n.kind AS notice_kind,"
        " a.polling_district_id AS district_id,"
        f" {_json_text('markers')} AS markers, {_json_text('date_of_birth')} AS dob,"
        f" {_json_text('attainer_date')} AS attainer, {_json_text('special_category')} AS special,"
        f" {_json_text('elector_number')} AS number, {_json_text('elector_suffix')} AS suffix,"
        f" CASE {cases} ELSE {len(freezes)} END AS bucket"
        f" FROM {alteration} a LEFT JOIN {notice} n ON n.id = a.notice_id"
        " WHERE a.authority_id = %(authority)s AND a.effective_date <= %(poll)s) t) ranked"
        " WHERE rn = 1 ORDER BY elector_id, bucket"
    )


def stream_rows(sql: str, params: dict[str, Any], dates: Sequence[int] = ()) -> Iterator[Sequence[Any]]:
    """Rows in chunks: a server-side cursor on PostgreSQL; SQLite reads them all first (a
    write on the same connection while a read statement is open is not safe there)."""
    if connection.vendor == "postgresql":
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH):
                yield from rows
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not dates:
        yield from rows
        return
    for row in rows:  # SQLite hands raw SQL dates over as text
        values = list(row)
        for index in dates:
            values[index] = _date(values[index])
        yield values


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def absent_and_expiry(authority_id: int, poll_date: dt.date) -> tuple[dict[int, dt.date], set[int]]:
    """Declaration expiry dates and postal voters (absent vote in force on polling day)."""
    expiring: dict[int, dt.date] = {
        pk: day
        for pk, day in Elector.records.filter(
            authority_id=authority_id, special_category_expires__isnull=False
        ).values_list("pk", "special_category_expires")
        if day is not None
    }
    postal: set[int] = set()
    rows = Elector.records.filter(authority_id=authority_id, absent_vote__in=POSTAL_VOTES).values_list(
        "pk", "absent_vote", "absent_vote_from", "absent_vote_until"
    )
    for pk, vote, start, until in rows.iterator(chunk_size=FETCH):
        if law.absent_mark(vote, start, until, poll_date) == "A":
            postal.add(pk)
    return expiring, postal


def _late_entries(
    authority_id: int, plans: Sequence[BallotPlan]
) -> dict[int, list[tuple[int | None, int | None, str]]]:
    ballots = [p.ballot.pk for p in plans]
    groups = list({p.ballot.group_id for p in plans})
    found: dict[int, list[tuple[int | None, int | None, str]]] = {}
    rows = LateEntry.objects.filter(authority_id=authority_id).filter(ballot_id__in=ballots) | LateEntry.objects.filter(
        authority_id=authority_id, group_id__in=groups
    )
    for elector_id, ballot_id, group_id, basis in rows.order_by("recorded_at", "id").values_list(
        "elector_id", "ballot_id", "group_id", "basis"
    ):
        found.setdefault(elector_id, []).append((ballot_id, group_id, basis))
    return found


def _late_basis(plan: BallotPlan, recorded: list[tuple[int | None, int | None, str]] | None) -> str | None:
    if not recorded:
        return None
    basis = None
    for ballot_id, group_id, value in recorded:  # the latest recorded wins; a ballot's own beats its group's
        if ballot_id == plan.ballot.pk:
            basis = ("ballot", value)
        elif group_id == plan.ballot.group_id and (basis is None or basis[0] == "group"):
            basis = ("group", value)
    return basis[1] if basis else None


# ---- writing ---------------------------------------------------------------------------------------

ENTRY_COLUMNS = (
    "run_id",
    "ballot_id",
    "elector_id",
    "district_id",
    "number",
    "suffix",
    "eligible",
    "code",
    "detail",
    "late",
)


def copy_rows(model: type[Any], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Append rows (without ``id``): COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    table = model._meta.db_table
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {qn(table)} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - our table
                list(rows),
            )


class Decisions:
    """The run's distinct decisions, numbered in the order first met (stored as ``detail``)."""

    def __init__(self) -> None:
        self.index: dict[int, int] = {}
        self.kept: list[law.Decision] = []

    def number(self, decision: law.Decision) -> int:
        key = id(decision)
        found = self.index.get(key)
        if found is None:
            found = len(self.kept)
            for i, known in enumerate(self.kept):  # equal decisions from a different object
                if known == decision:
                    found = i
                    break
            else:
                self.kept.append(decision)
            self.index[key] = found
        return found

    def as_json(self) -> list[list[Any]]:
        return [[d.eligible, d.reason_code, d.reason, d.citation] for d in self.kept]


def _flush(
    run: EligibilityRun, plans: Sequence[BallotPlan], markers: Any, decisions: Decisions, postal: set[int]
) -> None:
    out: list[tuple[Any, ...]] = []
    for plan in plans:
        if not plan.keys:
            continue
        counts = plan.counts
        ballot_id = plan.ballot.pk
        codes: dict[int, tuple[bool, int, int, str]] = {}
        results = law.decide_rows(plan.rows, plan.facts, markers)
        for (elector_id, district, number, suffix, late), (_eid, decision) in zip(plan.keys, results, strict=True):
            known = codes.get(id(decision))
            if known is None:
                known = codes[id(decision)] = (
                    decision.eligible,
                    law.reason_index(decision.reason_code),
                    decisions.number(decision),
                    decision.reason_code,
                )
            eligible, code, detail, name = known
            late_in = late and eligible
            out.append((run.pk, ballot_id, elector_id, district, number, suffix, eligible, code, detail, late_in))
            if eligible:
                counts["eligible"] += 1
                if late_in:
                    counts["late_included"] += 1
                if elector_id in postal:
                    counts["postal"] += 1
            else:
                counts["excluded"] += 1
                counts["reason:" + name] += 1
        counts["considered"] += len(plan.keys)
        plan.keys, plan.rows = [], []
    copy_rows(EligibilityEntry, ENTRY_COLUMNS, out)


def compute(run: EligibilityRun, progress: Callable[[int, Callable[[], None] | None], None] | None = None) -> None:
    """Decide every elector of every ballot of the run's poll, store the decisions and the
    preview diff, and mark the run ready for sign-off. Safe to call again on a half-done run:
    it starts over. ``progress(done, work)`` runs ``work`` (and records ``done``) in one
    transaction: the job's ``commit_unit``."""
    started = time.monotonic()
    commit = progress or (lambda done, work: work() if work else None)
    poll = run.poll
    markers = marker_rules()
    ballots = list(poll.ballots().filter(uncontested=False))
    plans, freezes = plan_ballots(poll, ballots, markers)
    by_district: dict[int, list[BallotPlan]] = {}
    for plan in plans:
        for district in plan.districts:
            by_district.setdefault(district, []).append(plan)
    authority_id = run.authority_id
    poll_date = max(p.facts.poll_date for p in plans)

    with transaction.atomic():
        EligibilityEntry.objects.filter(run_id=run.pk).delete()
        EligibilityChange.objects.filter(run_id=run.pk).delete()
        RunBallot.objects.filter(run_id=run.pk).delete()
        run.alteration_mark = Alteration.objects.filter(authority_id=authority_id).aggregate(m=Max("id"))["m"] or 0
        run.late_entry_mark = LateEntry.objects.filter(authority_id=authority_id).aggregate(m=Max("id"))["m"] or 0
        run.freeze_dates = {str(p.ballot.pk): p.facts.freeze_date.isoformat() for p in plans}
        run.ballot_ids = [p.ballot.pk for p in plans]
        run.poll_date = poll_date
        run.save(update_fields=["alteration_mark", "late_entry_mark", "freeze_dates", "ballot_ids", "poll_date"])

    expiring, postal = absent_and_expiry(authority_id, poll_date)
    late_entries = _late_entries(authority_id, plans)
    decisions = Decisions()
    params: dict[str, Any] = {"authority": authority_id, "poll": poll_date}
    params.update({f"freeze{i}": day for i, day in enumerate(freezes)})
    last_bucket = len(freezes)

    done = 0
    pending = 0
    group: list[Sequence[Any]] = []
    current: Any = None

    def handle(rows: list[Sequence[Any]]) -> None:
        _decide_elector(rows, plans, by_district, late_entries, expiring, last_bucket)

    for row in stream_rows(_register_sql(freezes), params, dates=(2, 3)):
        if row[0] != current:
            if group:
                handle(group)
                done += 1
                pending += 1
            group = [row]
            current = row[0]
            if pending >= CHUNK:
                commit(done, lambda: _flush(run, plans, markers, decisions, postal))
                pending = 0
        else:
            group.append(row)
    if group:
        handle(group)
        done += 1
    commit(done, lambda: _flush(run, plans, markers, decisions, postal))

    def finish() -> None:
        if connection.vendor == "postgresql":
            # The planner must see the rows just written, or it joins a million of them by nested loop.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE polling_eligibilityentry")
        _write_diff(run, plans)
        _write_counts(run, plans)
        run.decisions = decisions.as_json()
        run.electors = done
        run.state = RunState.READY
        run.finished_at = timezone.now()
        run.seconds = round(time.monotonic() - started, 3)
        run.save(update_fields=["decisions", "electors", "state", "finished_at", "seconds"])

    commit(done, finish)


def _decide_elector(
    rows: list[Sequence[Any]],
    plans: Sequence[BallotPlan],
    by_district: dict[int, list[BallotPlan]],
    late_entries: dict[int, list[tuple[int | None, int | None, str]]],
    expiring: dict[int, dt.date],
    last_bucket: int,
) -> None:
    """Queue one elector's facts on each ballot whose area holds its entry in force."""
    elector_id = rows[0][0]
    latest = rows[-1]
    recorded = late_entries.get(elector_id)
    if latest[1] == 0 and len(rows) == 1 and recorded is None:
        # The common case: one entry, in force at every freeze, unchanged since.
        if latest[4] == "delete":
            return
        targets = by_district.get(latest[6])
        if not targets:
            return
        facts = (
            elector_id,
            latest[7] or "",
            _date(latest[8]),
            _date(latest[9]),
            latest[10] or None,
            expiring.get(elector_id),
            False,
            latest[2],
            None,
            None,
        )
        key = (elector_id, latest[6], int(latest[11] or 0), int(latest[12] or 0), False)
        for plan in targets:
            plan.keys.append(key)
            plan.rows.append(facts)
        return
    seen: set[int] = set()
    for plan in _candidate_plans(rows, by_district):
        if plan.ballot.pk in seen:
            continue
        seen.add(plan.ballot.pk)
        chosen = _entry_for(plan, rows, recorded, expiring, last_bucket)
        if chosen is not None:
            facts, late, row = chosen
            plan.keys.append((elector_id, row[6], int(row[11] or 0), int(row[12] or 0), late))
            plan.rows.append(facts)


def _candidate_plans(rows: list[Sequence[Any]], by_district: dict[int, list[BallotPlan]]) -> Iterator[BallotPlan]:
    for row in rows:
        yield from by_district.get(row[6], ())


def _entry_for(
    plan: BallotPlan,
    rows: list[Sequence[Any]],
    recorded: list[tuple[int | None, int | None, str]] | None,
    expiring: dict[int, dt.date],
    last_bucket: int,
) -> tuple[tuple[Any, ...], bool, Sequence[Any]] | None:
    """The facts of this elector's entry in force for this ballot, or None if not in its area."""
    index = plan.freeze_index
    pre = None
    post = None
    post_first: dt.date | None = None
    for row in rows:  # ordered by bucket
        if row[1] <= index:
            pre = row
        else:
            post = row
            post_first = row[3] if post_first is None else min(post_first, row[3])
    pre_live = pre if pre is not None and pre[4] != "delete" else None
    elector_id = rows[0][0]
    expires = expiring.get(elector_id)

    def facts(row: Sequence[Any], entered: dt.date, left: dt.date | None, late: str | None) -> tuple[Any, ...]:
        return (
            elector_id,
            row[7] or "",
            _date(row[8]),
            _date(row[9]),
            row[10] or None,
            expires,
            False,
            entered,
            left,
            late,
        )

    districts = plan.districts
    if post is None:
        if pre_live is None or pre_live[6] not in districts:
            return None
        return facts(pre_live, pre_live[2], None, None), False, pre_live
    if post[4] == "delete":
        if pre_live is None or pre_live[6] not in districts:
            return None
        return facts(pre_live, pre_live[2], post[2], None), False, pre_live
    basis = _late_basis(plan, recorded)
    if basis is None and post[5] in ELECTION_NOTICE_KINDS:
        basis = INFERRED_BASIS
    if basis is not None:
        if post[6] in districts:
            entered = post[2] if pre_live is not None else (post_first or post[2])
            return facts(post, entered, None, basis), True, post
        return None  # the late change moved the entry out of this ballot's area
    if pre_live is not None and pre_live[6] in districts:
        return facts(pre_live, pre_live[2], None, None), False, pre_live  # the freeze entry stands
    if post[6] in districts:
        entered = post[2] if pre_live is not None else (post_first or post[2])
        return facts(post, entered, None, None), False, post  # excluded: after the deadline, no exception
    return None


def _write_diff(run: EligibilityRun, plans: Sequence[BallotPlan]) -> None:
    """The preview: changes since the previous signed-off run, one INSERT … SELECT each way."""
    previous = run.previous_id
    if previous is None:
        return
    entries = connection.ops.quote_name(EligibilityEntry._meta.db_table)
    changes = connection.ops.quote_name(EligibilityChange._meta.db_table)
    columns = "run_id, ballot_id, elector_id, change, before_code, before_detail, after_code, after_detail"
    ballots = ", ".join(str(int(p.ballot.pk)) for p in plans) or "0"
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    false = "FALSE" if connection.vendor == "postgresql" else "0"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {changes} ({columns}) "  # noqa: S608 - our own tables
            f"SELECT n.run_id, n.ballot_id, n.elector_id,"
            f" CASE WHEN n.eligible = {true} AND (o.elector_id IS NULL OR o.eligible = {false}) THEN 'entered'"
            f" WHEN n.eligible = {false} AND o.eligible = {true} THEN 'left' ELSE 'reason_changed' END,"
            " o.code, o.detail, n.code, n.detail"
            f" FROM {entries} n LEFT JOIN {entries} o ON o.run_id = %(prev)s AND o.ballot_id = n.ballot_id"
            " AND o.elector_id = n.elector_id"
            " WHERE n.run_id = %(run)s AND ("
            f" (n.eligible = {true} AND (o.elector_id IS NULL OR o.eligible = {false}))"
            f" OR (n.eligible = {false} AND o.eligible = {true})"
            " OR (o.elector_id IS NOT NULL AND n.eligible = o.eligible AND n.code <> o.code))",
            {"run": run.pk, "prev": previous},
        )
        cursor.execute(
            f"INSERT INTO {changes} ({columns}) "  # noqa: S608 - our own tables
            f"SELECT %(run)s, o.ballot_id, o.elector_id, 'left', o.code, o.detail, %(gone)s, -1"
            f" FROM {entries} o LEFT JOIN {entries} n ON n.run_id = %(run)s AND n.ballot_id = o.ballot_id"
            " AND n.elector_id = o.elector_id"
            f" WHERE o.run_id = %(prev)s AND o.eligible = {true} AND n.elector_id IS NULL"
            f" AND o.ballot_id IN ({ballots})",
            {"run": run.pk, "prev": previous, "gone": law.NOT_IN_RUN_CODE},
        )


def _write_counts(run: EligibilityRun, plans: Sequence[BallotPlan]) -> None:
    changed: dict[tuple[int, str], int] = {}
    if run.previous_id is not None:
        for ballot_id, change, n in (
            EligibilityChange.objects.filter(run_id=run.pk)
            .values_list("ballot_id", "change")
            .annotate(n=Count("id"))
            .values_list("ballot_id", "change", "n")
        ):
            changed[(ballot_id, change)] = n
    rows = []
    for plan in plans:
        counts = plan.counts
        reasons = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("reason:")}
        rows.append(
            RunBallot(
                authority_id=run.authority_id,
                run=run,
                ballot=plan.ballot,
                freeze_date=plan.facts.freeze_date,
                final_notice_date=plan.facts.final_notice_date,
                considered=counts["considered"],
                eligible=counts["eligible"],
                excluded=counts["excluded"],
                after_deadline=reasons.get("added_after_registration_deadline", 0),
                late_included=counts["late_included"],
                postal=counts["postal"],
                entered=changed.get((plan.ballot.pk, ChangeKind.ENTERED), 0),
                left=changed.get((plan.ballot.pk, ChangeKind.LEFT), 0),
                reason_changed=changed.get((plan.ballot.pk, ChangeKind.REASON_CHANGED), 0),
                reasons=reasons,
            )
        )
    RunBallot.objects.bulk_create(rows)
