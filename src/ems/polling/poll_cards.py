"""Poll cards from the signed-off eligibility list: a print-supplier CSV and 2-up PDFs (elections.md §5).

One card per elector on the list, naming every ballot of the poll they may vote in (at a
combined poll, one card for all: elections.md §1.1). The card's form follows the absent vote in
force on polling day: an elector's card (Form A), a postal voter's (A1); and for each elector
with a proxy, a card to the proxy (B), or a postal proxy card (B1). Anonymous electors' cards
never go to the supplier: they are written to a separate file for printing in-house, to go in a
covering envelope (elections.md §5).

The job reads the list in one streamed query (entries joined to electors and properties, in
district and elector-number order), writes the CSV as it goes, and renders one PDF per polling
district, each district a committed unit of work. Target: 750,000 electors' CSV in 60 s.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from ems.audit.services import audit_record
from ems.geography.models import PollingDistrict
from ems.jobs.runner import JobContext

from . import documents, law, selectors
from .eligibility import stream_rows
from .models import EligibilityEntry, EligibilityRun, Poll, StationAllocation

CARD_FIELDS = (
    "sequence", "card_type", "form", "elector_number", "elector_title", "elector_first_names", "elector_surname",
    "deliver_to_name", "deliver_to_address_1", "deliver_to_address_2", "deliver_to_address_3", "deliver_to_address_4",
    "deliver_to_address_5", "deliver_to_address_6", "deliver_to_postcode", "ballots", "elections", "poll_date",
    "polling_hours", "station_number", "station_name", "station_address", "station_postcode", "barcode",
)  # fmt: skip
FORM_CODES = {kind: form.removeprefix("Form ") for kind, (form, _heading) in documents.FORMS.items()}

# Columns of ``_ROWS_SQL`` in order.
ELECTOR, BALLOT, DISTRICT, NUMBER, SUFFIX = 0, 1, 2, 3, 4
_ROWS_SQL = (
    "SELECT e.elector_id, e.ballot_id, e.district_id, e.number, e.suffix,"
    " el.title, el.first_names, el.surname, el.is_anonymous, el.markers, el.absent_vote, el.absent_vote_from,"
    " el.absent_vote_until, el.proxy_name, el.proxy_address, el.attainer_date,"
    " p.id, p.address_1, p.address_2, p.address_3, p.address_4, p.address_5, p.address_6, p.postcode"
    " FROM polling_eligibilityentry e JOIN register_elector el ON el.id = e.elector_id"
    " LEFT JOIN register_property p ON p.id = el.property_id"
    " WHERE e.run_id = %(run)s AND e.eligible = {true}{districts}"
    " ORDER BY e.district_id, e.number, e.suffix, e.elector_id, e.ballot_id"
)


@dataclass
class Voter:
    """One elector on the list, with every ballot they may vote in."""

    elector_id: int
    district_id: int
    number: int
    suffix: int
    title: str
    first_names: str
    surname: str
    anonymous: bool
    markers: str
    absent_vote: str
    absent_from: dt.date | None
    absent_until: dt.date | None
    proxy_name: str
    proxy_address: str
    attainer_date: dt.date | None
    property_id: int | None
    address: tuple[str, ...]
    postcode: str
    ballots: list[int]

    def number_display(self, code: str) -> str:
        return f"{code}-{self.number}/{self.suffix}" if self.suffix else f"{code}-{self.number}"


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def iter_voters(run: EligibilityRun, district_ids: Sequence[int] | None = None) -> Iterator[Voter]:
    """Electors eligible for at least one ballot of the run, in district and number order."""
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    params: dict[str, Any] = {"run": run.pk}
    where = ""
    if district_ids is not None:
        where = (
            " AND e.district_id IN (" + ", ".join(str(int(d)) for d in district_ids) + ")"
            if district_ids
            else " AND 1 = 0"
        )
    sql = _ROWS_SQL.format(true=true, districts=where)
    current: Voter | None = None
    for row in stream_rows(sql, params):
        if current is not None and row[ELECTOR] == current.elector_id and row[DISTRICT] == current.district_id:
            current.ballots.append(row[BALLOT])
            continue
        if current is not None:
            yield current
        current = Voter(
            elector_id=row[0], district_id=row[2], number=int(row[3]), suffix=int(row[4] or 0),
            title=row[5] or "", first_names=row[6] or "", surname=row[7] or "", anonymous=bool(row[8]),
            markers=row[9] or "", absent_vote=row[10] or "", absent_from=_date(row[11]), absent_until=_date(row[12]),
            proxy_name=row[13] or "", proxy_address=row[14] or "", attainer_date=_date(row[15]), property_id=row[16],
            address=tuple(str(v or "") for v in row[17:23]), postcode=row[23] or "", ballots=[row[1]],
        )  # fmt: skip
    if current is not None:
        yield current


class StationFinder:
    """The station of an elector: the allotment of its district covering its number."""

    def __init__(self, allocations: Sequence[StationAllocation]) -> None:
        self.by_district: dict[int, list[StationAllocation]] = {}
        for allocation in allocations:
            self.by_district.setdefault(allocation.district_id, []).append(allocation)

    def find(self, district_id: int, number: int) -> StationAllocation | None:
        for allocation in self.by_district.get(district_id, ()):
            if allocation.covers(number):
                return allocation
        return None


def _split_address(text: str) -> tuple[list[str], str]:
    parts = [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]
    postcode = ""
    if parts and 5 <= len(parts[-1]) <= 8 and any(c.isdigit() for c in parts[-1]):
        postcode = parts.pop().upper()
    if len(parts) > 6:
        parts = [*parts[:5], ", ".join(parts[5:])]
    return parts + [""] * (6 - len(parts)), postcode


@dataclass
class CardContext:
    poll: Poll
    codes: dict[int, str]
    titles: dict[int, str]
    elections: dict[int, str]
    finder: StationFinder

    @property
    def day(self) -> dt.date:
        return self.poll.poll_date


def _place_address(place: Any) -> str:
    if place is None:
        return ""
    lines = (place.address_1, place.address_2, place.address_3, place.address_4, place.address_5)
    return ", ".join(line for line in lines if line)


def cards_for(voter: Voter, ctx: CardContext) -> list[dict[str, Any]]:
    """The card(s) one elector's eligibility produces (their own, and their proxy's if any)."""
    code = ctx.codes.get(voter.district_id, "?")
    number = voter.number_display(code)
    mark = law.absent_mark(voter.absent_vote, voter.absent_from, voter.absent_until, ctx.day)
    kinds = {"A": ["postal"], "P": ["elector", "proxy"]}.get(mark, ["elector"])
    if voter.absent_vote == "postal_proxy" and mark == "A":
        kinds = ["postal", "postal_proxy"]
    station = ctx.finder.find(voter.district_id, voter.number)
    place = station.station.place if station is not None else None
    ballot_titles = [ctx.titles[b] for b in voter.ballots if b in ctx.titles]
    elections = sorted({ctx.elections[b] for b in voter.ballots if b in ctx.elections})
    common = {
        "elector_number": number,
        "elector_title": "" if voter.anonymous else voter.title,
        "elector_first_names": "" if voter.anonymous else voter.first_names,
        "elector_surname": "" if voter.anonymous else voter.surname,
        "ballots": " | ".join(ballot_titles),
        "elections": " | ".join(elections),
        "poll_date": ctx.day.isoformat(),
        "polling_hours": documents.HOURS,
        "station_number": (station.station.number or station.station.code) if station else "",
        "station_name": place.name if place else "",
        "station_address": _place_address(place),
        "station_postcode": place.postcode if place else "",
        "barcode": number,
    }
    cards = []
    for kind in kinds:
        if kind in ("proxy", "postal_proxy"):
            lines, postcode = _split_address(voter.proxy_address)
            name = voter.proxy_name
        else:
            lines = list(voter.address) if voter.property_id else [""] * 6
            postcode = voter.postcode
            name = " ".join(p for p in (voter.title, voter.first_names, voter.surname) if p)
        card = {
            "card_type": kind,
            "form": FORM_CODES[kind],
            "deliver_to_name": name,
            **{f"deliver_to_address_{i + 1}": lines[i] if i < len(lines) else "" for i in range(6)},
            "deliver_to_postcode": postcode,
            **common,
        }
        cards.append(card)
    return cards


def card_context(poll: Poll, run: EligibilityRun) -> CardContext:
    ballots = {b.ballot_id: b.ballot for b in selectors.run_ballots(run)}
    return CardContext(
        poll=poll,
        codes=dict(PollingDistrict.objects.filter(authority_id=poll.authority_id).values_list("pk", "code")),
        titles={pk: b.title for pk, b in ballots.items()},
        elections={pk: b.group.name for pk, b in ballots.items()},
        finder=StationFinder(selectors.allocations_of(poll)),
    )


def write_cards_csv(
    voters: Iterator[Voter], ctx: CardContext, supplier: io.TextIOBase | Any, inhouse: io.TextIOBase | Any
) -> tuple[int, int]:
    """Write the supplier CSV and the in-house (anonymous electors) CSV; returns the card counts."""
    out = csv.writer(supplier, lineterminator="\r\n")
    own = csv.writer(inhouse, lineterminator="\r\n")
    out.writerow(CARD_FIELDS)
    own.writerow(CARD_FIELDS)
    counts = [0, 0]
    for voter in voters:
        for card in cards_for(voter, ctx):
            target = 1 if voter.anonymous and card["card_type"] in ("elector", "postal") else 0
            counts[target] += 1
            card["sequence"] = counts[target]
            (own if target else out).writerow([card[name] for name in CARD_FIELDS])
    return counts[0], counts[1]


# ---- the job --------------------------------------------------------------------------------------------


def _folder(job_id: int) -> Path:
    folder = Path(settings.JOB_FILES_DIR) / f"job-{job_id}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _relative(path: Path) -> str:
    return str(path.relative_to(settings.JOB_FILES_DIR))


def checked_run(context: JobContext) -> tuple[Poll, EligibilityRun]:
    """The poll and run of a document job, refused if the run is no longer the signed-off current one."""
    poll = Poll.objects.select_related("authority").get(pk=context.params["poll_id"])
    status = selectors.production_run(poll)
    if not status.ok or status.run is None:
        raise ValueError(status.problem)
    if status.run.pk != int(context.params["run_id"]):
        raise ValueError(
            f"Eligibility run {status.run.number} has been signed off since this job was started: start it again"
        )
    return poll, status.run


def poll_cards_job(context: JobContext) -> None:
    poll, run = checked_run(context)
    formats = tuple(context.params.get("formats") or ("csv", "pdf"))
    ctx = card_context(poll, run)
    folder = _folder(context.job.pk)
    total = EligibilityEntry.objects.filter(run_id=run.pk, eligible=True).values("elector_id").distinct().count()
    context.set_total(total, stage=f"Poll cards from eligibility run {run.number}")
    done_districts = set(context.checkpoint.get("pdf_done", []))
    stem = f"poll-cards-{poll.poll_date.isoformat()}"
    supplier_path, inhouse_path = folder / f"{stem}.csv", folder / f"{stem}-anonymous-in-house.csv"
    files: list[tuple[str, str]] = []
    # Without the CSV the rows still pass through a writer, into the null device.
    supplier = (supplier_path if "csv" in formats else Path(os.devnull)).open("w", encoding="utf-8", newline="")
    inhouse = (inhouse_path if "csv" in formats else Path(os.devnull)).open("w", encoding="utf-8", newline="")
    counts = [0, 0]
    done = 0
    try:
        district_cards: list[dict[str, Any]] = []
        anonymous_cards: list[dict[str, Any]] = []
        current: int | None = None
        out = csv.writer(supplier, lineterminator="\r\n")
        own = csv.writer(inhouse, lineterminator="\r\n")
        out.writerow(CARD_FIELDS)
        own.writerow(CARD_FIELDS)

        def finish_district(district_id: int | None) -> None:
            if district_id is None or "pdf" not in formats or district_id in done_districts:
                return
            code = ctx.codes.get(district_id, str(district_id))
            written = []
            for suffix, cards in (("", district_cards), ("-anonymous-in-house", anonymous_cards)):
                if not cards:
                    continue
                pdf = documents.render_poll_cards_pdf(
                    cards, authority_name=poll.authority.name, title=f"Poll cards {code}", poll_date=poll.poll_date
                )
                path = folder / f"{stem}-{code}{suffix}.pdf"
                path.write_bytes(pdf)
                written.append((path.name, _relative(path)))
            done_districts.add(district_id)
            context.commit_unit(lambda: None, done=min(done, total), checkpoint={"pdf_done": sorted(done_districts)})
            for name, relative in written:
                if all(f["path"] != relative for f in context.job.result_files):
                    context.add_result_file(name, relative)

        for voter in iter_voters(run):
            if voter.district_id != current:
                finish_district(current)
                district_cards, anonymous_cards, current = [], [], voter.district_id
            for card in cards_for(voter, ctx):
                anonymous = voter.anonymous and card["card_type"] in ("elector", "postal")
                target = 1 if anonymous else 0
                counts[target] += 1
                card["sequence"] = counts[target]
                (own if target else out).writerow([card[name] for name in CARD_FIELDS])
                if "pdf" in formats and current not in done_districts:
                    if anonymous:  # the card itself shows the number only; the envelope is addressed in-house
                        card = {**card, "deliver_to_name": "", **{f"deliver_to_address_{i}": "" for i in range(1, 7)},
                                "deliver_to_postcode": ""}  # fmt: skip
                        anonymous_cards.append(card)
                    else:
                        district_cards.append(card)
            done += 1
        finish_district(current)
    finally:
        supplier.close()
        inhouse.close()
    if "csv" in formats:
        files = [(supplier_path.name, _relative(supplier_path)), (inhouse_path.name, _relative(inhouse_path))]
    context.commit_unit(
        lambda: audit_record(
            actor=context.job.created_by,
            authority=poll.authority,
            action="polling.poll_cards.produce",
            obj=poll,
            after={"run": run.number, "cards": counts[0], "anonymous_in_house": counts[1], "formats": list(formats)},
        ),
        done=total,
        checkpoint={"pdf_done": sorted(done_districts), "finished": True},
    )
    for name, relative in files:
        if all(f["path"] != relative for f in context.job.result_files):
            context.add_result_file(name, relative)
    context.message(f"{counts[0]:,} cards for the print supplier; {counts[1]:,} anonymous electors' cards in-house")
