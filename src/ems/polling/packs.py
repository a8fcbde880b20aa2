"""Polling station packs from the signed-off eligibility list (elections.md §4.3-4.4).

One PDF per station, each a unit of the job:

- the **polling station register**: the electors eligible for at least one ballot of the poll in
  the districts (or number ranges) allotted to the station, in register order and grouped by
  address, with their franchise markers, ``A`` against postal voters and electors whose proxy
  votes by post (required), ``P`` against electors with a proxy (practice), the attainer's date
  while still to come, and at a combined poll the ballots each may vote in; anonymous electors
  appear at the end of their part with only their number and ``N`` (registration.md §1.1);
- the **list of proxies** who may vote at the station in person;
- for each ballot with papers at the station: the **corresponding number list** (paper numbers of
  the station's range, a space for the elector number) and the **ballot paper account**.

The electors' numbers and districts are those of the register in force (the run's entries);
names and addresses are the elector's current record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

from ems.audit.services import audit_record
from ems.geography.models import PollingDistrict, PollingStation
from ems.jobs.runner import JobContext

from . import documents, law, selectors
from .models import BallotPaperRange, EligibilityRun, Poll, StationAllocation
from .poll_cards import Voter, checked_run, iter_voters


def _marks(voter: Voter, poll_date: Any) -> str:
    parts = [voter.markers.strip()]
    absent = law.absent_mark(voter.absent_vote, voter.absent_from, voter.absent_until, poll_date)
    if absent and absent not in parts[0]:
        parts.append(absent)
    if voter.attainer_date is not None and voter.attainer_date > poll_date:
        parts.append(voter.attainer_date.strftime("%d/%m/%Y"))
    return " ".join(p for p in parts if p)


def _address(voter: Voter) -> str:
    return ", ".join(p for p in (*voter.address, voter.postcode) if p) or "Address not recorded"


def pack_data(
    *,
    poll: Poll,
    station: PollingStation,
    allocations: Sequence[StationAllocation],
    voters: Iterable[Voter],
    codes: dict[int, str],
    ballots: dict[int, str],
    ranges: Sequence[BallotPaperRange],
) -> dict[str, Any]:
    """The JSON the pack template prints; every privacy rule is applied here."""
    letters = {pk: str(i + 1) for i, pk in enumerate(sorted(ballots))}
    combined = poll.is_combined and len(ballots) > 1  # a ballots column only where one card covers several
    parts: dict[int, dict[str, Any]] = {}
    proxies: list[list[str]] = []
    postal = 0
    count = 0
    names = {d.pk: d.name for d in PollingDistrict.objects.filter(pk__in=[a.district_id for a in allocations])}
    last: dict[int, Any] = {}
    for voter in voters:
        if not any(a.district_id == voter.district_id and a.covers(voter.number) for a in allocations):
            continue
        count += 1
        code = codes.get(voter.district_id, "?")
        part = parts.setdefault(
            voter.district_id,
            {"label": f"Polling district {code} – {names.get(voter.district_id, '')}", "households": [], "other": []},
        )
        number = voter.number_display(code)
        marks = _marks(voter, poll.poll_date)
        if "A" in marks.split():
            postal += 1
        which = ", ".join(letters[b] for b in voter.ballots if b in letters) if combined else ""
        if voter.anonymous:
            # Anonymous entries: the number and N, nothing else (registration.md §1.1).
            part["other"].append([number, "N" + (" A" if "A" in marks.split() else ""), "", which])
            continue
        if voter.absent_vote == "proxy" and "P" in marks.split():
            proxies.append([number, f"{voter.surname}, {voter.first_names}", voter.proxy_name or "(name not recorded)"])
        key = (voter.property_id, _address(voter))
        if last.get(voter.district_id) != key:
            part["households"].append([_address(voter), []])
            last[voter.district_id] = key
        part["households"][-1][1].append([number, marks, f"{voter.surname}, {voter.first_names}", which])
    station_label = f"Station {station.number or station.code}: {station.place.name}"
    districts = ", ".join(
        f"{codes.get(a.district_id, '?')}" + (f" ({a.from_number}–{a.to_number})" if a.from_number else "")
        for a in allocations
    )
    ballot_blocks = []
    for found in ranges:
        if found.station_id != station.pk:
            continue
        ballot_blocks.append(
            {
                "title": ballots.get(found.ballot_id, str(found.ballot_id)),
                "first": found.first_number,
                "last": found.last_number,
                "count": found.size,
                "numbers": [str(n) for n in range(found.first_number, found.last_number + 1)],
            }
        )
    legend = "; ".join(f"{letters[pk]} = {title}" for pk, title in sorted(ballots.items())) if combined else ""
    return {
        "authority": poll.authority.name,
        "title": "Polling station pack",
        "station_label": station_label,
        "poll_label": f"{poll.name} · {documents.long_date(poll.poll_date)}",
        "cover": [
            ", ".join(station.place.address_lines),
            f"Polling districts: {districts}",
            *([f"Ballots: {legend}"] if legend else []),
        ],
        "summary": [
            ["Electors on this register", f"{count:,}"],
            ["of whom marked A (postal: no ballot paper here)", f"{postal:,}"],
            ["Proxies who may vote here", f"{len(proxies):,}"],
            *[[f"Ballot papers: {b['title']}", f"{b['first']}–{b['last']} ({b['count']:,})"] for b in ballot_blocks],
        ],
        "register_note": (
            "Marks: franchise markers as in the register; A = postal voter or postal proxy (no ballot paper may be "
            "issued here); P = a proxy is appointed; a date = attainer, may vote only if it is on or before "
            "polling day; "
            "N = anonymous elector (ask for the poll card and the Anonymous Elector's Document)."
            + (f" Ballots: {legend}." if legend else "")
        ),
        "parts": [
            {**part, "households": [[address, rows] for address, rows in part["households"]]}
            for _district, part in sorted(parts.items(), key=lambda kv: codes.get(kv[0], ""))
        ],
        "proxies": proxies,
        "ballots": ballot_blocks,
    }


def packs_job(context: JobContext) -> None:
    poll, run = checked_run(context)
    ranges = selectors.ranges_of(poll)
    if not ranges or any(r.run_id != run.pk for r in ranges):
        raise ValueError("Number the ballot papers from the current signed-off eligibility list first")
    allocations = selectors.allocations_of(poll)
    by_station: dict[int, list[StationAllocation]] = defaultdict(list)
    for allocation in allocations:
        by_station[allocation.station_id].append(allocation)
    stations = sorted({a.station_id: a.station for a in allocations}.values(), key=lambda s: (s.number, s.code))
    codes = dict(PollingDistrict.objects.filter(authority_id=poll.authority_id).values_list("pk", "code"))
    ballots = {b.ballot_id: b.ballot.title for b in selectors.run_ballots(run)}
    folder = Path(settings.JOB_FILES_DIR) / f"job-{context.job.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    start = int(context.checkpoint.get("next", 0))
    context.set_total(len(stations), stage=f"Station packs from eligibility run {run.number}")
    for index in range(start, len(stations)):
        station = stations[index]
        mine = by_station[station.pk]
        voters = iter_voters(run, district_ids=sorted({a.district_id for a in mine}))
        data = pack_data(
            poll=poll, station=station, allocations=mine, voters=voters, codes=codes, ballots=ballots, ranges=ranges
        )
        pdf = documents.render_station_pack_pdf(data, day=poll.poll_date)
        path = folder / f"pack-{poll.poll_date.isoformat()}-station-{station.number or station.code}.pdf"
        path.write_bytes(pdf)
        relative = str(path.relative_to(settings.JOB_FILES_DIR))

        def unit(station: PollingStation = station, run: EligibilityRun = run, path: Path = path) -> None:
            audit_record(
                actor=context.job.created_by,
                authority=poll.authority,
                action="polling.station_pack.produce",
                obj=station,
                after={"poll": poll.name, "run": run.number, "file": path.name},
            )

        context.commit_unit(unit, done=index + 1, checkpoint={"next": index + 1})
        if all(f["path"] != relative for f in context.job.result_files):
            context.add_result_file(path.name, relative)
