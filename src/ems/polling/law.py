"""Every call from the polling app into electoral law and guidance, in one small module.

The franchise itself is ``ems_rules.eligibility`` (pure Python, cited and tested there): who
may vote at a ballot, and why not. The app calls it only through the functions below, with
plain values, so a change in the rules' API is a change here alone.

Three small tables live here because they are guidance or practice rather than law, and this
app is their only user; each names its source and is data with validity dates:

- ``STAFFING``: the Electoral Commission's recommended electors per polling station and staff
  per station (elections.md §4.2, EC guidance, not law).
- ``BALLOT_PAPER_MARGIN``: how many ballot papers a station is given beyond its electorate
  (our policy; no source prescribes it).
- ``REGISTER_MARKS``: the absent-voting marks printed on the polling station register
  (``A`` by law, ``P`` by common practice; EC "Absent voting register markers").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ems_rules import eligibility as rules

# ---- the franchise engine -------------------------------------------------------------------------

LateEntryBasis = rules.LateEntryBasis
ReasonCode = rules.ReasonCode
Decision = rules.Decision
BallotFacts = rules.BallotFacts
ElectorFacts = rules.ElectorFacts
NOT_IN_RUN = rules.NOT_IN_RUN

# Reason codes are stored as small integers: the position in this tuple. Append only: a stored
# run must keep its meaning after an upgrade.
REASON_CODES: tuple[str, ...] = (
    "eligible",
    "not_yet_in_register",
    "deleted_before_poll",
    "added_after_registration_deadline",
    "late_entry_out_of_time",
    "unknown_late_entry_basis",
    "declaration_expired",
    "overseas_uk_parliament_only",
    "unknown_special_category",
    "franchise_marker_excludes",
    "franchise_marker_not_in_force",
    "unknown_franchise_marker",
    "under_voting_age",
    "not_in_run",
)
_CODE_INDEX = {code: index for index, code in enumerate(REASON_CODES)}
ELIGIBLE_CODE = _CODE_INDEX["eligible"]
AFTER_DEADLINE_CODE = _CODE_INDEX["added_after_registration_deadline"]
NOT_IN_RUN_CODE = _CODE_INDEX["not_in_run"]

REASON_LABELS: dict[str, str] = {
    "eligible": "Eligible",
    "not_yet_in_register": "Not yet in the register on polling day",
    "deleted_before_poll": "Deleted before polling day",
    "added_after_registration_deadline": "Added after the registration deadline without a legal exception",
    "late_entry_out_of_time": "Late entry, but after the last day its exception allows",
    "unknown_late_entry_basis": "Late entry on a basis the law does not recognise",
    "declaration_expired": "Special category declaration expired",
    "overseas_uk_parliament_only": "Overseas elector (UK Parliamentary polls only)",
    "unknown_special_category": "Unknown special category",
    "franchise_marker_excludes": "Franchise marker does not allow this poll",
    "franchise_marker_not_in_force": "Franchise marker no longer gives a vote",
    "unknown_franchise_marker": "Unknown franchise marker",
    "under_voting_age": "Under the voting age on polling day",
    "not_in_run": "No longer in the register for this ballot's area",
}


def reason_index(code: str) -> int:
    """The stored number of a reason code; unknown codes (a newer engine) are refused loudly."""
    try:
        return _CODE_INDEX[str(code)]
    except KeyError:
        raise ValueError(f"Reason code {code!r} is not in polling.law.REASON_CODES: add it at the end") from None


def reason_code(index: int) -> str:
    return REASON_CODES[index] if 0 <= index < len(REASON_CODES) else "unknown"


def late_basis_choices() -> list[tuple[str, str]]:
    return [(basis.value, basis.label[:1].upper() + basis.label[1:]) for basis in rules.LateEntryBasis]


def late_basis_citation(basis: str) -> str:
    try:
        return rules.LateEntryBasis(basis).citation
    except ValueError:
        return ""


def marker_table(rows: Iterable[Mapping[str, Any]]) -> Mapping[str, tuple[rules.MarkerRule, ...]]:
    """The franchise marker table from ``register.FranchiseMarker`` rows (as ``values()`` dicts)."""
    return rules.marker_table(
        rules.MarkerRule(
            code=str(row["code"]).upper(),
            meaning=str(row["meaning"]),
            poll_types=frozenset(str(p) for p in (row.get("poll_types") or [])),
            valid_from=row["valid_from"],
            valid_to=row.get("valid_to"),
            nations=frozenset(n.strip() for n in str(row.get("nations") or "").split(",") if n.strip()),
            source=str(row.get("source") or ""),
        )
        for row in rows
    )


def ballot_facts(
    *,
    ballot_id: str,
    election_type: str,
    nation: str,
    poll_date: dt.date,
    freeze_date: dt.date,
    final_notice_date: dt.date | None = None,
) -> rules.BallotFacts:
    return rules.BallotFacts(
        ballot_id=ballot_id,
        poll_type=election_type,
        nation=nation,
        poll_date=poll_date,
        freeze_date=freeze_date,
        final_notice_date=final_notice_date,
    )


def check_ballot(facts: rules.BallotFacts, markers: Mapping[str, Any]) -> str | None:
    """None when the engine can decide this ballot; otherwise why not, in words."""
    probe = rules.ElectorFacts("probe", (), None, None, None, None, False, facts.freeze_date, None, None)
    try:
        rules.decide(probe, facts, markers)
    except ValueError as error:
        return str(error)
    return None


def decide_rows(
    rows: Sequence[rules.ElectorRow], facts: rules.BallotFacts, markers: Mapping[str, Any]
) -> Iterator[tuple[str, rules.Decision]]:
    """``(elector id, Decision)`` for plain rows in ``rules.ELECTOR_FIELDS`` order."""
    return rules.decide_many(rows, facts, markers)


def diff(before: Mapping[str, rules.Decision], after: Mapping[str, rules.Decision]) -> list[rules.EligibilityChange]:
    """The engine's own diff (used to check the database version in ``eligibility.py``)."""
    return rules.diff(before, after)


# ---- polling station guidance (elections.md §4.2) ---------------------------------------------------

EC_STAFFING_SOURCE = (
    "Electoral Commission, 'Recommended minimum staffing levels' (guidance, not law; elections.md §4.2): "
    "https://www.electoralcommission.org.uk/guidance-acting-returning-officers-administering-a-uk-parliamentary-"
    "election-great-britain/planning-election/allocating-sufficient-staff-resources-and-providing-training/"
    "appointing-staff-specific-election-processes/recommended-minimum-staffing-levels"
)


@dataclass(frozen=True)
class StaffingBand:
    """Up to ``max_electors`` electors at a station (postal voters excluded): one presiding
    officer and ``poll_clerks`` poll clerks."""

    max_electors: int
    poll_clerks: int


@dataclass(frozen=True)
class StaffingGuidance:
    valid_from: dt.date
    valid_to: dt.date | None
    max_electors: int  # recommended maximum per station
    bands: tuple[StaffingBand, ...]
    source: str


# The 2,250 maximum replaced the older 2,500 (elections.md §4.2: "lowered because of Elections Act
# 2022 duties"); the date it changed is **unconfirmed**, so the current figures are given from the
# first polls with voter identification (4 May 2023, Elections Act 2022) and the older maximum before.
STAFFING: tuple[StaffingGuidance, ...] = (
    StaffingGuidance(
        dt.date(2001, 1, 1),
        dt.date(2023, 5, 3),
        2500,
        (StaffingBand(1250, 2), StaffingBand(2500, 3)),
        EC_STAFFING_SOURCE + " (older 2,500 maximum; dates unconfirmed)",
    ),
    StaffingGuidance(
        dt.date(2023, 5, 4),
        None,
        2250,
        (StaffingBand(1250, 2), StaffingBand(2250, 3)),
        EC_STAFFING_SOURCE,
    ),
)


def staffing_guidance(on: dt.date) -> StaffingGuidance:
    for guidance in STAFFING:
        if guidance.valid_from <= on and (guidance.valid_to is None or on <= guidance.valid_to):
            return guidance
    return STAFFING[-1]


@dataclass(frozen=True)
class StationAdvice:
    presiding_officers: int
    poll_clerks: int
    warnings: tuple[str, ...]


def station_advice(in_person_electors: int, on: dt.date, *, polls: int = 1) -> StationAdvice:
    """Staff the EC recommends for a station, and warnings where it exceeds the guidance.

    ``in_person_electors`` excludes postal voters (the guidance's measure). ``polls`` > 1 (a
    combined poll) adds a warning: the guidance asks ROs to consider more staff then.
    """
    guidance = staffing_guidance(on)
    warnings: list[str] = []
    clerks = guidance.bands[-1].poll_clerks
    for band in guidance.bands:
        if in_person_electors <= band.max_electors:
            clerks = band.poll_clerks
            break
    if in_person_electors > guidance.max_electors:
        extra = math.ceil((in_person_electors - guidance.max_electors) / 500)  # our suggestion, not guidance
        clerks = guidance.bands[-1].poll_clerks + extra
        warnings.append(
            f"{in_person_electors:,} electors (postal voters excluded) is more than the "
            f"{guidance.max_electors:,} the Electoral Commission recommends for one station: add a station"
        )
    if polls > 1:
        warnings.append("A combined poll: the guidance asks you to consider extra staff")
    return StationAdvice(1, clerks, tuple(warnings))


# ---- ballot paper numbers ---------------------------------------------------------------------------

# Our policy (no source prescribes it): a station gets one paper for each elector who may vote
# in person there, plus a margin for spoilt papers of 2% (at least one book), in whole books
# of 25; postal issue gets one per postal voter plus the same margin for replacement packs.
BOOK_SIZE = 25
BALLOT_PAPER_MARGIN = 0.02
MIN_MARGIN = BOOK_SIZE


def ballot_papers_needed(electors: int) -> int:
    if electors <= 0:
        return BOOK_SIZE
    margin = max(MIN_MARGIN, math.ceil(electors * BALLOT_PAPER_MARGIN))
    return math.ceil((electors + margin) / BOOK_SIZE) * BOOK_SIZE


# ---- marks on the polling station register ----------------------------------------------------------

# "Electors allowed to vote by post and electors whose proxies have been allowed to vote by post
# must have the letter 'A' marked alongside their names in the polling station register ... There
# is no prescribed way of marking proxy voters on polling station registers, although in many
# cases, they will be prefixed with the letter 'P'." (EC, "Absent voting register markers",
# https://www.electoralcommission.org.uk/cy/node/26984; registration.md §1.3 [S4][S87]).
REGISTER_MARKS: dict[str, str] = {"postal": "A", "postal_proxy": "A", "proxy": "P"}


def absent_mark(absent_vote: str, valid_from: dt.date | None, valid_until: dt.date | None, poll: dt.date) -> str:
    """The mark for an absent voter on polling day ("" if none, or the arrangement is not in force)."""
    if not absent_vote:
        return ""
    if valid_from is not None and valid_from > poll:
        return ""
    if valid_until is not None and valid_until < poll:
        return ""
    return REGISTER_MARKS.get(absent_vote, "")
