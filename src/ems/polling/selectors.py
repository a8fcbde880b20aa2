"""Reads for the polling pages, documents and API, always within the acting user's authority.

A record of another authority is a 404. ``*_for_user`` take the signed-in user; the helpers
below them take records already fetched through one of those.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ems.elections.models import Ballot, CombinedPoll, ElectionGroup
from ems.geography.models import PollingDistrict, PollingStation
from ems.register.models import Alteration, Elector

from . import law
from .eligibility import freeze_dates
from .models import (
    BallotPaperRange,
    EligibilityChange,
    EligibilityEntry,
    EligibilityRun,
    LateEntry,
    Poll,
    RunBallot,
    RunState,
    StationAllocation,
    StationDetails,
)

# ---- scoped look-ups -------------------------------------------------------------------------------


def polls_for_user(user: Any) -> QuerySet[Poll]:
    return Poll.objects.filter(authority_id=user.authority_id).select_related("group", "combined")


def poll_for_user(user: Any, poll_id: int) -> Poll:
    return get_object_or_404(polls_for_user(user), pk=poll_id)


def run_for_user(user: Any, run_id: int) -> EligibilityRun:
    return get_object_or_404(
        EligibilityRun.objects.filter(authority_id=user.authority_id).select_related(
            "poll", "signed_off_by", "started_by", "previous", "job"
        ),
        pk=run_id,
    )


def station_for_user(user: Any, station_id: int) -> PollingStation:
    return get_object_or_404(
        PollingStation.objects.filter(authority_id=user.authority_id).select_related("place", "district"),
        pk=station_id,
    )


def stations_for_user(user: Any) -> QuerySet[PollingStation]:
    return (
        PollingStation.objects.filter(authority_id=user.authority_id)
        .select_related("place", "district")
        .order_by("place__name", "number", "code")
    )


def districts_for_user(user: Any) -> QuerySet[PollingDistrict]:
    return PollingDistrict.objects.filter(authority_id=user.authority_id).order_by("code")


def election_for_user(user: Any, election_id: int) -> ElectionGroup:
    return get_object_or_404(ElectionGroup.objects.filter(authority_id=user.authority_id), pk=election_id)


def combined_for_user(user: Any, combined_id: int) -> CombinedPoll:
    return get_object_or_404(CombinedPoll.objects.filter(authority_id=user.authority_id), pk=combined_id)


def allocation_for_user(user: Any, allocation_id: int) -> StationAllocation:
    return get_object_or_404(
        StationAllocation.objects.filter(authority_id=user.authority_id).select_related("poll", "station", "district"),
        pk=allocation_id,
    )


def elector_by_number_for_user(user: Any, number: str) -> Elector | None:
    """An elector of the user's authority from a typed number ("AA-12", "AA-12/1")."""
    from ems.register.selectors import parse_register_query

    parsed = parse_register_query(number)
    if "elector_number" not in parsed.kinds or parsed.number is None:
        return None
    return (
        Elector.records.filter(
            authority_id=user.authority_id,
            polling_district__code=parsed.district_code,
            elector_number=parsed.number,
            elector_suffix=parsed.suffix or 0,
        )
        .select_related("polling_district")
        .order_by("deleted_on")
        .first()
    )


def poll_of_election(group: ElectionGroup) -> Poll | None:
    return Poll.objects.filter(authority_id=group.authority_id, group=group).first()


def poll_of_combined(combined: CombinedPoll) -> Poll | None:
    return Poll.objects.filter(authority_id=combined.authority_id, combined=combined).first()


def polling_home_for_user(user: Any) -> dict[str, Any]:
    """Elections and combined polls (upcoming first), each with its poll if arrangements began."""
    today = timezone.localdate()
    polls = {(p.group_id, p.combined_id): p for p in polls_for_user(user)}
    groups = ElectionGroup.objects.filter(authority_id=user.authority_id).order_by("-poll_date", "name")[:50]
    combined = CombinedPoll.objects.filter(authority_id=user.authority_id).order_by("-poll_date", "name")[:50]
    in_combined = set(
        Ballot.objects.filter(authority_id=user.authority_id, combined_polls__isnull=False).values_list(
            "group_id", flat=True
        )
    )
    rows: list[dict[str, Any]] = []
    for group in groups:
        rows.append(
            {
                "kind": "election",
                "record": group,
                "poll": polls.get((group.pk, None)),
                "upcoming": group.poll_date >= today,
                "in_combined": group.pk in in_combined,
            }
        )
    for poll in combined:
        rows.append(
            {
                "kind": "combined",
                "record": poll,
                "poll": polls.get((None, poll.pk)),
                "upcoming": poll.poll_date >= today,
                "in_combined": False,
            }
        )
    rows.sort(key=lambda r: (not r["upcoming"], (1 if r["upcoming"] else -1) * r["record"].poll_date.toordinal()))
    return {"rows": rows}


# ---- eligibility runs ---------------------------------------------------------------------------------


def runs_of(poll: Poll) -> QuerySet[EligibilityRun]:
    return EligibilityRun.objects.filter(authority_id=poll.authority_id, poll=poll).select_related(
        "signed_off_by", "started_by"
    )


def latest_run(poll: Poll) -> EligibilityRun | None:
    return runs_of(poll).order_by("-number").first()


def latest_signed_off(poll: Poll) -> EligibilityRun | None:
    return runs_of(poll).filter(state=RunState.SIGNED_OFF).order_by("-number").first()


def contested_ballots(poll: Poll) -> list[Ballot]:
    return list(poll.ballots().filter(uncontested=False))


def run_staleness(run: EligibilityRun) -> list[str]:
    """Why a finished run no longer shows the register in force (empty: it still does)."""
    problems: list[str] = []
    poll = run.poll
    changed = Alteration.objects.filter(
        authority_id=run.authority_id, id__gt=run.alteration_mark, effective_date__lte=run.poll_date
    ).count()
    if changed:
        problems.append(
            f"{changed:,} register change{'s' if changed != 1 else ''} taking effect by polling day "
            f"{'were' if changed != 1 else 'was'} recorded after run {run.number} started"
        )
    ballots = contested_ballots(poll)
    groups = {b.group_id for b in ballots}
    late = (
        LateEntry.objects.filter(authority_id=run.authority_id, id__gt=run.late_entry_mark)
        .filter(Q(ballot_id__in=[b.pk for b in ballots]) | Q(group_id__in=groups))
        .count()
    )
    if late:
        problems.append(
            f"{late} late entr{'ies were' if late != 1 else 'y was'} recorded after run {run.number} started"
        )
    if {b.pk for b in ballots} != set(run.ballot_ids):
        problems.append("The poll's ballots have changed since the run")
    for ballot in ballots:
        freeze, _final = freeze_dates(ballot.group)
        recorded = run.freeze_dates.get(str(ballot.pk))
        if freeze is not None and recorded is not None and freeze.isoformat() != recorded:
            problems.append(f"The registration deadline of {ballot.group.name} has changed since the run")
            break
    if ballots and ballots[0].group.poll_date != run.poll_date:
        problems.append("Polling day has changed since the run")
    return problems


@dataclass
class RunStatus:
    """Whether documents may be produced from a poll's eligibility list, and if not, why."""

    run: EligibilityRun | None
    problem: str = ""
    pending: EligibilityRun | None = None  # a later run awaiting sign-off
    stale: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.run is not None and not self.problem


def production_run(poll: Poll) -> RunStatus:
    """The signed-off run documents come from: refused (``problem``) when there is none or it is stale."""
    signed = latest_signed_off(poll)
    latest = latest_run(poll)
    pending = latest if latest is not None and latest.state == RunState.READY else None
    if signed is None:
        if latest is None:
            return RunStatus(None, "No eligibility run yet: run the eligibility check and have it signed off first")
        if latest.state == RunState.READY:
            return RunStatus(
                None,
                f"Eligibility run {latest.number} has not been signed off: the Returning Officer (or a deputy) "
                "must review the preview and sign it off first",
                pending=latest,
            )
        if latest.state == RunState.RUNNING:
            return RunStatus(None, f"Eligibility run {latest.number} is still running; it then needs signing off")
        return RunStatus(None, f"Eligibility run {latest.number} failed: run the eligibility check again")
    stale = run_staleness(signed)
    if stale:
        return RunStatus(
            signed,
            f"The signed-off eligibility list (run {signed.number}) is out of date: {stale[0]}. "
            "Run the eligibility check again and have it signed off",
            pending=pending,
            stale=stale,
        )
    return RunStatus(signed, "", pending=pending if pending and pending.number > signed.number else None)


def run_ballots(run: EligibilityRun) -> list[RunBallot]:
    return list(run.ballots.select_related("ballot", "ballot__group").order_by("ballot__group_id", "ballot__title"))


def decision_text(run: EligibilityRun, detail: int | None, code: int | None) -> tuple[str, str]:
    """(reason, citation) of a stored decision."""
    if detail is not None and 0 <= detail < len(run.decisions):
        _eligible, _code, reason, citation = run.decisions[detail]
        return str(reason), str(citation)
    if code == law.NOT_IN_RUN_CODE or detail == -1:
        return law.NOT_IN_RUN.reason, law.NOT_IN_RUN.citation
    return law.REASON_LABELS.get(law.reason_code(code or 0), ""), ""


def _elector_rows(run: EligibilityRun, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    electors = {
        e.pk: e
        for e in Elector.records.filter(authority_id=run.authority_id, pk__in=[r["elector_id"] for r in rows])
        .select_related("polling_district", "property")
        .only(
            "pk",
            "first_names",
            "surname",
            "elector_number",
            "elector_suffix",
            "is_anonymous",
            "polling_district__code",
            "property__address_1",
            "property__postcode",
        )
    }
    for row in rows:
        elector = electors.get(row["elector_id"])
        row["elector"] = elector
        row["name"] = (
            "(anonymous elector)"
            if elector is not None and elector.is_anonymous
            else (f"{elector.surname}, {elector.first_names}" if elector else "")
        )
        row["address"] = (
            ""
            if elector is None or elector.is_anonymous or elector.property is None
            else f"{elector.property.address_1}, {elector.property.postcode}"
        )
        row["number"] = elector.elector_number_display if elector else str(row["elector_id"])
    return rows


PAGE_SIZE = 50


def _page(total: int, page: Any) -> tuple[int, int]:
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    number = min(max(1, number), pages)
    return number, pages


def run_changes(run: EligibilityRun, ballot_id: int | None, change: str | None, page: Any) -> dict[str, Any]:
    """One page of the preview diff, with reasons before and after."""
    changes = EligibilityChange.objects.filter(run_id=run.pk)
    if ballot_id:
        changes = changes.filter(ballot_id=ballot_id)
    if change:
        changes = changes.filter(change=change)
    total = changes.count()
    number, pages = _page(total, page)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in changes.order_by("ballot_id", "change", "elector_id").values(
            "ballot_id", "elector_id", "change", "before_code", "before_detail", "after_code", "after_detail"
        )[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    ]
    previous = run.previous
    for row in rows:
        row["after_reason"], row["after_citation"] = decision_text(run, row["after_detail"], row["after_code"])
        if previous is not None and row["before_detail"] is not None:
            row["before_reason"], _ = decision_text(previous, row["before_detail"], row["before_code"])
        else:
            row["before_reason"] = "Not in the previous run"
    return {"rows": _elector_rows(run, rows), "total": total, "page": number, "pages": pages}


def run_exclusions(run: EligibilityRun, ballot_id: int | None, reason: str | None, page: Any) -> dict[str, Any]:
    """One page of the electors excluded by this run, post-deadline additions first."""
    excluded = EligibilityEntry.objects.filter(run_id=run.pk, eligible=False)
    if ballot_id:
        excluded = excluded.filter(ballot_id=ballot_id)
    if reason and reason in law.REASON_CODES:
        excluded = excluded.filter(code=law.reason_index(reason))
    total = excluded.count()
    number, pages = _page(total, page)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in excluded.order_by("ballot_id", "code", "district_id", "number", "suffix").values(
            "ballot_id", "elector_id", "code", "detail"
        )[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    ]
    for row in rows:
        row["reason"], row["citation"] = decision_text(run, row["detail"], row["code"])
    return {"rows": _elector_rows(run, rows), "total": total, "page": number, "pages": pages}


def run_late_included(run: EligibilityRun) -> int:
    return EligibilityEntry.objects.filter(run_id=run.pk, late=True).count()


def late_entries_of(poll: Poll) -> QuerySet[LateEntry]:
    ballots = list(poll.ballots())
    return (
        LateEntry.objects.filter(authority_id=poll.authority_id)
        .filter(Q(ballot_id__in=[b.pk for b in ballots]) | Q(group_id__in={b.group_id for b in ballots}))
        .select_related("elector", "elector__polling_district", "ballot", "group", "recorded_by")
        .order_by("-recorded_at", "-id")
    )


def poll_freeze(poll: Poll) -> dict[str, dt.date | None]:
    """The registration deadline of each election in the poll (by election name)."""
    out: dict[str, dt.date | None] = {}
    for ballot in poll.ballots():
        if ballot.group.name not in out:
            out[ballot.group.name] = freeze_dates(ballot.group)[0]
    return out


def ballot_electorate(ballot: Ballot) -> int | None:
    """Electors eligible at a ballot by the latest signed-off run covering it (None: no such run).

    For other apps (the count's turnout): the register in force for the poll.
    """
    found = (
        RunBallot.objects.filter(authority_id=ballot.authority_id, ballot=ballot, run__state=RunState.SIGNED_OFF)
        .order_by("-run__number", "-id")
        .values_list("eligible", flat=True)
        .first()
    )
    return found


# ---- stations -------------------------------------------------------------------------------------------


def allocations_of(poll: Poll) -> list[StationAllocation]:
    return list(
        StationAllocation.objects.filter(authority_id=poll.authority_id, poll=poll)
        .select_related("station", "station__place", "district")
        .order_by("district__code", "from_number", "station__code")
    )


def poll_districts(poll: Poll) -> list[PollingDistrict]:
    """Every polling district inside any ballot of the poll."""
    from ems.elections.selectors import ballot_districts

    seen: dict[int, PollingDistrict] = {}
    for ballot in poll.ballots():
        for district in ballot_districts(ballot).select_related("ward"):
            seen.setdefault(district.pk, district)
    return sorted(seen.values(), key=lambda d: d.code)


def station_details_of(station: PollingStation) -> StationDetails | None:
    return StationDetails.objects.filter(authority_id=station.authority_id, station=station).first()


@dataclass
class StationRow:
    station: PollingStation
    allocations: list[StationAllocation]
    details: StationDetails | None
    electors: int = 0  # eligible for any ballot, from the run used
    postal: int = 0
    advice: law.StationAdvice | None = None
    ranges: list[BallotPaperRange] = field(default_factory=list)

    @property
    def in_person(self) -> int:
        return self.electors - self.postal

    @property
    def warnings(self) -> list[str]:
        found = list(self.advice.warnings) if self.advice else []
        if self.details is None:
            found.append("No accessibility survey recorded")
        else:
            found += [f"Survey: {gap}" for gap in self.details.accessibility_gaps]
        return found


def allocation_counts(
    run: EligibilityRun | None, allocations: list[StationAllocation]
) -> dict[tuple[int, int | None], tuple[int, int]]:
    """(station id, ballot id) → (eligible electors, of whom postal voters), from a run; ballot id
    None counts each elector once whatever ballots they may vote in."""
    if run is None or not allocations:
        return {}
    from .eligibility import absent_and_expiry

    _expiring, postal = absent_and_expiry(run.authority_id, run.poll_date)
    by_district: dict[int, list[StationAllocation]] = defaultdict(list)
    for allocation in allocations:
        by_district[allocation.district_id].append(allocation)
    counts: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0])
    seen: set[int] = set()
    rows = (
        EligibilityEntry.objects.filter(run_id=run.pk, eligible=True, district_id__in=list(by_district))
        .order_by()
        .values_list("elector_id", "ballot_id", "district_id", "number")
    )
    for elector_id, ballot_id, district_id, number in rows.iterator(chunk_size=10_000):
        for allocation in by_district[district_id]:
            if allocation.covers(number):
                is_postal = elector_id in postal
                keys: list[tuple[int, int | None]] = [(allocation.station_id, ballot_id)]
                if elector_id not in seen:
                    seen.add(elector_id)
                    keys.append((allocation.station_id, None))
                for key in keys:
                    counts[key][0] += 1
                    counts[key][1] += int(is_postal)
                break
    return {k: (v[0], v[1]) for k, v in counts.items()}


def station_electors(run: EligibilityRun | None, allocations: list[StationAllocation]) -> dict[int, tuple[int, int]]:
    """Station id → (electors eligible for any ballot, of whom postal voters), from a run."""
    return {station: v for (station, ballot), v in allocation_counts(run, allocations).items() if ballot is None}


def station_rows(poll: Poll, run: EligibilityRun | None) -> list[StationRow]:
    allocations = allocations_of(poll)
    by_station: dict[int, list[StationAllocation]] = defaultdict(list)
    for allocation in allocations:
        by_station[allocation.station_id].append(allocation)
    stations = {a.station_id: a.station for a in allocations}
    details = {
        d.station_id: d for d in StationDetails.objects.filter(authority_id=poll.authority_id, station_id__in=stations)
    }
    all_counts = allocation_counts(run, allocations)
    counts = {key: v for (key, ballot), v in all_counts.items() if ballot is None}
    polls_at: dict[int, int] = defaultdict(int)
    for (station_key, ballot), (electors, _postal) in all_counts.items():
        if ballot is not None and electors:
            polls_at[station_key] += 1
    ranges: dict[int, list[BallotPaperRange]] = defaultdict(list)
    for found in BallotPaperRange.objects.filter(authority_id=poll.authority_id, poll=poll).select_related("ballot"):
        if found.station_id is not None:
            ranges[found.station_id].append(found)
    rows = []
    for station_id, station in sorted(stations.items(), key=lambda kv: (kv[1].place.name, kv[1].number, kv[1].code)):
        electors, postal = counts.get(station_id, (0, 0))
        row = StationRow(station, by_station[station_id], details.get(station_id), electors, postal)
        row.advice = (
            law.station_advice(row.in_person, poll.poll_date, polls=max(1, polls_at[station_id])) if run else None
        )
        row.ranges = ranges.get(station_id, [])
        rows.append(row)
    return rows


def unallocated_districts(poll: Poll) -> list[PollingDistrict]:
    allocated = {a.district_id for a in allocations_of(poll)}
    return [d for d in poll_districts(poll) if d.pk not in allocated]


def ranges_of(poll: Poll) -> list[BallotPaperRange]:
    return list(
        BallotPaperRange.objects.filter(authority_id=poll.authority_id, poll=poll)
        .select_related("ballot", "station", "station__place")
        .order_by("ballot__title", "first_number")
    )


def station_map(poll: Poll) -> dict[str, Any]:
    """GeoJSON-ish data for the map: district polygons and station points."""
    districts = poll_districts(poll)
    allocations = allocations_of(poll)
    station_of: dict[int, str] = {}
    for allocation in allocations:
        station_of.setdefault(allocation.district_id, allocation.station.number or allocation.station.code)
    points = []
    for station in {a.station_id: a.station for a in allocations}.values():
        place = station.place
        if place.latitude is not None and place.longitude is not None:
            points.append(
                {
                    "label": station.number or station.code,
                    "name": place.name,
                    "lat": place.latitude,
                    "lon": place.longitude,
                }
            )
    shapes = [
        {"code": d.code, "name": d.name, "geometry": d.geometry, "station": station_of.get(d.pk, "")}
        for d in districts
        if d.geometry
    ]
    return {"districts": shapes, "stations": points}


def counts_by_reason(run: EligibilityRun) -> dict[str, int]:
    return {
        law.reason_code(code): n
        for code, n in EligibilityEntry.objects.filter(run_id=run.pk, eligible=False)
        .values_list("code")
        .annotate(n=Count("elector_id"))
        .values_list("code", "n")
    }


def poll_card_problems(poll: Poll) -> list[str]:
    """Why poll cards cannot be produced yet (besides the eligibility list)."""
    problems = []
    ballots = contested_ballots(poll)
    unpublished = [b.title for b in ballots if b.notice_published_at is None]
    if unpublished:
        # elections.md §5 and §1.1: "as soon as practicable after the publication of the notice of
        # election"; combined poll cards only after all notices of election are published.
        problems.append(
            "Poll cards can be sent only after the notice of election is published "
            f"(not yet for {', '.join(unpublished[:5])}{' …' if len(unpublished) > 5 else ''})"
        )
    missing = unallocated_districts(poll)
    if missing:
        problems.append(
            "Allot every polling district to a station first, so each card names its polling station "
            f"(not yet: {', '.join(d.code for d in missing[:10])}{' …' if len(missing) > 10 else ''})"
        )
    return problems
