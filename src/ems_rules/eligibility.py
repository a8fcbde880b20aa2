"""The franchise engine: may this elector vote at this ballot, and if not, why not.

Pure Python (no Django, no ``ems``): callers pass plain values (``ElectorFacts``,
``BallotFacts``) and get back a ``Decision`` with a reason code, a sentence for a person and
a citation. ``decide_many`` runs one ballot over a stream of electors (objects or plain
tuples) and ``diff`` compares two runs for the eligibility preview.

What is checked, in this order (the first failure is the reason given):

1. **The entry is in the register in force for the poll.** An entry that takes effect after
   polling day, or was deleted on or before it, is not. An entry that took effect after the
   registration deadline (``BallotFacts.freeze_date``) counts only under a legal exception,
   ``LateEntryBasis``; anything else is "added after the registration deadline without a legal
   exception" (RPA 1983 s.13B: an alteration taking effect after the final nomination day is of
   no effect for the election, with the exceptions below).
2. **A special-category declaration has not expired** (``ElectorFacts.declaration_expires`` is
   the first day without effect, e.g. the third 1 November for an overseas elector;
   registration.md §3).
3. **Overseas electors vote at UK Parliamentary polls only** (registration.md §3.1 [S63][S1];
   marker ``F`` in §1.3).
4. **Franchise markers** allow the poll (registration.md §1.3–1.4; the seeded
   ``FranchiseMarker`` table, migration ``register/0004``). The table is data with validity
   dates and nations (``MarkerRule``); ``DEFAULT_MARKERS`` mirrors the seed. A marker with no
   record in force for the nation and polling day (``G`` in England from 7 May 2024, ``E`` after
   31 January 2020) does not allow any poll: the elector should have been re-marked (``G`` to
   ``B`` after the eligibility confirmation review, registration.md §1.4 [S3]).
5. **Age on polling day** reaches the voting age for the nation and poll type
   (``ems_rules.franchise.voting_age``: 18, or 16 at local and devolved polls in Scotland and
   Wales; PCC polls are 18 in Wales too, ``AGE_POLL_TYPE``). With a date of birth the age is
   exact. Without one, an attainer date is the day the elector reaches the local voting age of
   the nation (the age ``franchise.attainer_date`` uses by default); where the ballot's voting
   age is higher (UK Parliament in Scotland and Wales, PCC in Wales) the difference in years
   is added — a reading, **unconfirmed**: pass the date of birth where
   the register has it. No date at all means an adult entry (registration.md §1.3: an entry
   without a date may vote at every poll its markers allow).

Anonymous electors may vote (with an Anonymous Elector's Document, registration.md §5.2), so
``ElectorFacts.anonymous`` does not change the decision. Marker ``A`` (postal voter, polling
station copy only) and ``N`` (anonymous) allow every poll.

Legal exceptions after the registration deadline (``LateEntryBasis``), each with the last day
the alteration may take effect:

- ``APPLICATION_DETERMINED``: an application made by the deadline and determined after it takes
  effect at the latest with the final election notice of alteration, the 5th working day before
  the poll (RPA 1983 s.13B(2)–(3); elections.md §2.2; EC "Election notices of alteration").
  ``BallotFacts.final_notice_date`` carries that day; without it, it is computed with
  ``ems_rules.calendar`` for the ballot's nation (pass it from the timetable for a UK general
  election, whose calendar skips every nation's bank holidays).
- ``CLERICAL_ERROR``: correction of the ERO's clerical error, up to 9pm on polling day
  (RPA 1983 s.13B(3A)–(3B) as inserted by the Electoral Administration Act 2006 s.11(4):
  "amendments can be made and take effect up to and including a prescribed time of day on
  polling day itself", explanatory notes para 74; 9pm: elections.md §14 "Clerical error
  register correction 9pm polling day").
- ``COURT_DECISION``: giving effect to a decision on appeal (RPA 1983 s.56, registration
  appeals), up to 9pm on polling day (s.13B(3A)–(3C), same source).

Subsection numbers within s.13B are **unconfirmed** (the 2006 explanatory notes, read, say
"(3A) to (3E)" without mapping each). The brief for this module cited "s.13BC" for court
decisions; s.13BC was inserted by the Recall of MPs Act 2015 Sch 2 para 7 (footnote to SI
2024/319, read) and concerns recall petitions, so it is not cited here. The engine works in
whole days: an entry made on polling day under a 9pm exception counts; the time of day is the
caller's to check. Deletions are taken as the register records them (``left_on`` = first day
the entry is gone): whether a deletion after the deadline had legal effect for the poll is for
the ERO, who records only effective deletions.

Speed: everything that depends only on the ballot is computed once (``_Compiled``), decisions
are shared immutable objects, and marker combinations are decided once per ballot and cached.
One elector costs a handful of comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, cast

from ems_rules import calendar
from ems_rules.franchise import Nation, PollType, add_years, voting_age


class LateEntryBasis(StrEnum):
    """The legal exceptions under which an entry made after the registration deadline counts."""

    CLERICAL_ERROR = "clerical_error"
    COURT_DECISION = "court_decision"
    APPLICATION_DETERMINED = "application_determined"

    @property
    def citation(self) -> str:
        return LATE_ENTRY_CITATIONS[self]

    @property
    def label(self) -> str:
        return LATE_ENTRY_LABELS[self]


LATE_ENTRY_CITATIONS: dict[LateEntryBasis, str] = {
    LateEntryBasis.CLERICAL_ERROR: (
        "RPA 1983 s.13B(3A)-(3B) (inserted by Electoral Administration Act 2006 s.11; subsection unconfirmed): "
        "correction of a clerical error, effective up to 9pm on polling day"
    ),
    LateEntryBasis.COURT_DECISION: (
        "RPA 1983 s.56 (registration appeals) and s.13B(3A)-(3C) (subsection unconfirmed): "
        "a court decision, effective up to 9pm on polling day"
    ),
    LateEntryBasis.APPLICATION_DETERMINED: (
        "RPA 1983 s.13B(2)-(3) (subsection unconfirmed): an application made by the registration deadline, "
        "determined after it, effective by the final election notice of alteration (5th working day before the poll)"
    ),
}

LATE_ENTRY_LABELS: dict[LateEntryBasis, str] = {
    LateEntryBasis.CLERICAL_ERROR: "correction of a clerical error",
    LateEntryBasis.COURT_DECISION: "a court decision on appeal",
    LateEntryBasis.APPLICATION_DETERMINED: "an application made in time and determined after the deadline",
}


class SpecialCategory(StrEnum):
    """Special category electors (registration.md §3), with the values of ``register.Elector.special_category``.

    Only overseas electors are limited to one poll type. "" (the register's "none") and None
    both mean an ordinary elector; "crown_servant" is accepted as another name for "crown".
    """

    OVERSEAS = "overseas"
    SERVICE = "service"
    CROWN_SERVANT = "crown"
    LOCAL_CONNECTION = "local_connection"  # declaration of local connection (RPA 1983 s.7B)


class ReasonCode(StrEnum):
    ELIGIBLE = "eligible"
    NOT_YET_IN_REGISTER = "not_yet_in_register"
    DELETED = "deleted_before_poll"
    AFTER_DEADLINE = "added_after_registration_deadline"
    LATE_ENTRY_OUT_OF_TIME = "late_entry_out_of_time"
    UNKNOWN_LATE_BASIS = "unknown_late_entry_basis"
    DECLARATION_EXPIRED = "declaration_expired"
    OVERSEAS_UK_PARLIAMENT_ONLY = "overseas_uk_parliament_only"
    UNKNOWN_SPECIAL_CATEGORY = "unknown_special_category"
    MARKER_EXCLUDES = "franchise_marker_excludes"
    MARKER_NOT_IN_FORCE = "franchise_marker_not_in_force"
    UNKNOWN_MARKER = "unknown_franchise_marker"
    UNDER_AGE = "under_voting_age"
    NOT_IN_RUN = "not_in_run"


# ---- facts in, decisions out ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MarkerRule:
    """One franchise marker record: ``code`` allows ``poll_types`` (Democracy Club poll codes:
    parl, local, pcc, mayor, gla, sp, senedd, nia, ref) from ``valid_from`` to ``valid_to``
    inclusive, in ``nations`` (empty: every nation). Mirrors ``register.FranchiseMarker``."""

    code: str
    meaning: str
    poll_types: frozenset[str]
    valid_from: dt.date
    valid_to: dt.date | None
    nations: frozenset[str] = frozenset()
    source: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def applies_to(self, nation: str) -> bool:
        return not self.nations or nation in self.nations


MarkerTable = Mapping[str, MarkerRule | Sequence[MarkerRule]]


@dataclass(frozen=True, slots=True)
class ElectorFacts:
    """What the register says about one elector (``ELECTOR_FIELDS`` is the tuple order ``decide_many`` accepts)."""

    elector_id: str
    markers: tuple[str, ...]  # a marker string as the register stores it ("GN") is accepted too
    date_of_birth: dt.date | None
    attainer_date: dt.date | None
    special_category: str | None
    declaration_expires: dt.date | None  # first day the special-category declaration has no effect
    anonymous: bool
    entered_on: dt.date  # the day the entry took effect
    left_on: dt.date | None  # the first day the entry was no longer in the register
    late_basis: str | None  # a LateEntryBasis value when entered after the registration deadline


ELECTOR_FIELDS: tuple[str, ...] = (
    "elector_id",
    "markers",
    "date_of_birth",
    "attainer_date",
    "special_category",
    "declaration_expires",
    "anonymous",
    "entered_on",
    "left_on",
    "late_basis",
)

ElectorRow = tuple[
    str,
    tuple[str, ...] | str,
    dt.date | None,
    dt.date | None,
    str | None,
    dt.date | None,
    bool,
    dt.date,
    dt.date | None,
    str | None,
]


@dataclass(frozen=True, slots=True)
class BallotFacts:
    """One ballot: its poll type, nation, polling day and registration deadline (the freeze).

    ``poll_type`` is an ``ems_rules.franchise.PollType`` value (uk_parliament, local, devolved),
    a Democracy Club poll code (parl, local, pcc, mayor, gla, sp, senedd, nia, ref) or an
    election type of ``ems timetable`` (ukpge, local, pcc, mayor-ca, ...). ``nation`` is ENG,
    WLS, SCT or NIR. ``final_notice_date``: the day of the final election notice of alteration
    (5th working day before the poll); computed when not given.
    """

    ballot_id: str
    poll_type: str
    nation: str
    poll_date: dt.date
    freeze_date: dt.date
    final_notice_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    eligible: bool
    reason_code: str
    reason: str
    citation: str


@dataclass(frozen=True, slots=True)
class EligibilityChange:
    elector_id: str
    change: Literal["entered", "left", "reason_changed"]
    before: Decision | None
    after: Decision


# ---- poll types -------------------------------------------------------------------------------

POLL_CODE_FRANCHISE: dict[str, PollType] = {
    "parl": PollType.UK_PARLIAMENT,
    "ref": PollType.UK_PARLIAMENT,  # national referendums: parliamentary franchise (unconfirmed per referendum Act)
    "local": PollType.LOCAL,
    "pcc": PollType.LOCAL,
    "mayor": PollType.LOCAL,
    "gla": PollType.LOCAL,
    "sp": PollType.DEVOLVED,
    "senedd": PollType.DEVOLVED,
    "nia": PollType.DEVOLVED,
}

# PCC polls: 18 in England and Wales, although the Welsh local franchise is 16 (Pontardawe Town
# Council, PCC elections 2 May 2024: "You have to be 18 to vote in these elections", read; the
# Police Reform and Social Responsibility Act 2011 franchise provision is unconfirmed). The
# UK Parliament age (18 everywhere) is that age.
AGE_POLL_TYPE: dict[str, PollType] = {"pcc": PollType.UK_PARLIAMENT}

ELECTION_TYPE_POLL_CODES: dict[str, str] = {
    "ukpge": "parl",
    "ukp-by": "parl",
    "local": "local",
    "local-by": "local",
    "parish": "local",
    "pcc": "pcc",
    "mayor-local": "mayor",
    "mayor-ca": "mayor",
    "gla": "gla",
    "senedd": "senedd",
    "scottish-parliament": "sp",
    "np-referendum": "local",  # NPRR 2012: local government electors (unconfirmed)
}

_DEVOLVED_CODES: dict[Nation, str] = {Nation.SCOTLAND: "sp", Nation.WALES: "senedd", Nation.NORTHERN_IRELAND: "nia"}

POLL_NAMES: dict[str, str] = {
    "parl": "UK Parliamentary",
    "ref": "referendum",
    "local": "local government",
    "pcc": "Police and Crime Commissioner",
    "mayor": "mayoral",
    "gla": "Greater London Authority",
    "sp": "Scottish Parliament",
    "senedd": "Senedd",
    "nia": "Northern Ireland Assembly",
}

_OVERSEAS_POLLS = frozenset({"parl", "ref"})  # registration.md §1.3 (F) and §3.1


def poll_code(poll_type: str, nation: Nation | str) -> str:
    """The Democracy Club poll code for a ballot's poll type in ``nation`` (see ``BallotFacts``)."""
    nation = Nation(nation)
    if poll_type in POLL_CODE_FRANCHISE:
        return poll_type
    if poll_type in ELECTION_TYPE_POLL_CODES:
        return ELECTION_TYPE_POLL_CODES[poll_type]
    if poll_type == PollType.UK_PARLIAMENT:
        return "parl"
    if poll_type == PollType.LOCAL:
        return "local"
    if poll_type == PollType.DEVOLVED:
        if nation not in _DEVOLVED_CODES:
            raise ValueError(f"there is no devolved legislature poll in {nation.value}")
        return _DEVOLVED_CODES[nation]
    raise ValueError(f"unknown poll type {poll_type!r}")


# ---- the marker table (mirrors register/migrations/0004_seed_franchise_markers) ------------------

_START = dt.date(2001, 2, 16)  # RPR 2001 in force: the register in its current form (as the seed)
_LOCAL_ENG = frozenset({"local", "pcc", "mayor", "gla"})
_ALL_BUT_PARL = frozenset({"local", "pcc", "mayor", "gla", "sp", "senedd", "nia"})
_EVERY = frozenset({"parl", "ref"}) | _ALL_BUT_PARL


def _rule(
    code: str,
    meaning: str,
    nations: str,
    poll_types: frozenset[str],
    valid_from: dt.date,
    valid_to: dt.date | None,
    source: str,
) -> MarkerRule:
    return MarkerRule(
        code=code,
        meaning=meaning,
        poll_types=poll_types,
        valid_from=valid_from,
        valid_to=valid_to,
        nations=frozenset(n for n in nations.split(",") if n),
        source=source,
    )


DEFAULT_MARKER_RULES: tuple[MarkerRule, ...] = (
    _rule("F", "Overseas elector", "", frozenset({"parl", "ref"}), _START, None, "registration.md §1.3 [S1][S4]"),
    _rule(
        "L",
        "Peer entitled to sit in the House of Lords",
        "",
        _ALL_BUT_PARL,
        _START,
        None,
        "registration.md §1.3 [S1][S4]",
    ),
    _rule(
        "E",
        "Overseas peer (European Parliament only; obsolete)",
        "",
        frozenset(),
        _START,
        dt.date(2020, 1, 31),
        "registration.md §1.3 [S4][S151]",
    ),
    _rule(
        "G",
        "EU citizen (local franchise before 7 May 2024 in England)",
        "ENG",
        _LOCAL_ENG,
        _START,
        dt.date(2024, 5, 6),
        "registration.md §1.3-1.4 [S3][S4]; Elections Act 2022",
    ),
    _rule(
        "G", "EU citizen", "WLS,SCT", frozenset({"local", "sp", "senedd"}), _START, None, "registration.md §1.3 [S4]"
    ),
    _rule(
        "G",
        "EU citizen",
        "NIR",
        frozenset({"local"}),
        _START,
        None,
        "registration.md §1.3 [S4] (NI detail unconfirmed)",
    ),
    _rule(
        "B",
        "EU citizen confirmed eligible (qualifying EU citizen or retained rights)",
        "ENG",
        _LOCAL_ENG,
        dt.date(2024, 5, 7),
        None,
        "registration.md §1.4 [S3][S133]",
    ),
    _rule(
        "K",
        "Certain citizens of EU member states (no UK Parliamentary vote); current use unconfirmed",
        "",
        frozenset({"local"}),
        _START,
        None,
        "registration.md §1.3 [S4] (unconfirmed)",
    ),
    _rule(
        "U",
        "Certain EU citizens (Scotland)",
        "SCT",
        frozenset({"local", "sp"}),
        _START,
        None,
        "registration.md §1.3 [S4] (unconfirmed)",
    ),
    _rule(
        "M",
        "Qualifying foreign national or short-sentence prisoner (local register only)",
        "WLS,SCT",
        frozenset({"local", "sp", "senedd"}),
        _START,
        None,
        "registration.md §1.3 [S1][S20]",
    ),
    _rule(
        "N",
        "Anonymous elector: entry shows only the number and N",
        "",
        _EVERY,
        _START,
        None,
        "registration.md §1.1, §1.3 [S7][S6]",
    ),
    _rule(
        "A",
        "Postal voter (polling station copy only): no ballot paper in the station",
        "",
        _EVERY,
        _START,
        None,
        "registration.md §1.3 [S4][S87]",
    ),
)


def marker_table(rules: Iterable[MarkerRule]) -> dict[str, tuple[MarkerRule, ...]]:
    """Group marker records by code (a code may have several records, by nation and date)."""
    table: dict[str, list[MarkerRule]] = {}
    for rule in rules:
        table.setdefault(rule.code, []).append(rule)
    return {code: tuple(group) for code, group in table.items()}


DEFAULT_MARKERS: Mapping[str, tuple[MarkerRule, ...]] = marker_table(DEFAULT_MARKER_RULES)


# ---- the compiled ballot -----------------------------------------------------------------------

_UNDECIDED = Decision(False, "", "", "")  # cache sentinel, never returned


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class _Compiled:
    """Everything about one ballot that does not depend on the elector, computed once."""

    __slots__ = (
        "adult_born_by",
        "age",
        "attainer_years",
        "ballot",
        "code",
        "d_after_deadline",
        "d_deleted",
        "d_eligible",
        "d_expired",
        "d_late",
        "d_not_yet",
        "d_overseas",
        "d_under_age",
        "d_unknown_basis",
        "d_unknown_special",
        "freeze",
        "late_latest",
        "marker_cache",
        "markers",
        "nation",
        "overseas_ok",
        "poll_date",
    )

    def __init__(self, ballot: BallotFacts, markers: MarkerTable) -> None:
        nation = Nation(ballot.nation)
        if ballot.freeze_date > ballot.poll_date:
            raise ValueError(f"ballot {ballot.ballot_id}: the registration deadline is after polling day")
        code = poll_code(ballot.poll_type, nation)
        poll = ballot.poll_date
        self.ballot = ballot
        self.markers = markers
        self.nation = nation.value
        self.code = code
        self.poll_date = poll
        self.freeze = ballot.freeze_date
        self.age = voting_age(nation, AGE_POLL_TYPE.get(code, POLL_CODE_FRANCHISE[code]), poll)
        # Attainer dates mark the local voting age of the nation (franchise.attainer_date's default).
        self.attainer_years = self.age - voting_age(nation, PollType.LOCAL, poll)
        self.adult_born_by = _latest_birth_date(poll, self.age)
        self.overseas_ok = code in _OVERSEAS_POLLS
        final_notice = ballot.final_notice_date or calendar.working_days_before(poll, 5, nation)
        self.late_latest: dict[str, dt.date] = {
            LateEntryBasis.CLERICAL_ERROR.value: poll,
            LateEntryBasis.COURT_DECISION.value: poll,
            LateEntryBasis.APPLICATION_DETERMINED.value: final_notice,
        }
        self.marker_cache: dict[tuple[str, ...] | str, Decision | None] = {}
        poll_name = POLL_NAMES[code]
        freeze = _long_date(ballot.freeze_date)
        self.d_eligible = Decision(
            True,
            ReasonCode.ELIGIBLE,
            f"In the register in force for the poll, the franchise allows a {poll_name} poll "
            f"and of voting age ({self.age}) on polling day",
            "RPA 1983 ss.1-2; registration.md §1.3",
        )
        self.d_not_yet = Decision(
            False,
            ReasonCode.NOT_YET_IN_REGISTER,
            f"The entry takes effect after polling day ({_long_date(poll)})",
            "RPA 1983 ss.1(1)(a), 2(1)(a): registered on the date of the poll",
        )
        self.d_deleted = Decision(
            False,
            ReasonCode.DELETED,
            f"Deleted from the register on or before polling day ({_long_date(poll)})",
            "RPA 1983 ss.1(1)(a), 2(1)(a): registered on the date of the poll",
        )
        self.d_after_deadline = Decision(
            False,
            ReasonCode.AFTER_DEADLINE,
            f"Added after the registration deadline ({freeze}) without a legal exception",
            "RPA 1983 s.13B: alterations after the deadline have no effect for the poll",
        )
        self.d_unknown_basis = Decision(
            False,
            ReasonCode.UNKNOWN_LATE_BASIS,
            f"Added after the registration deadline ({freeze}) on a basis the law does not recognise",
            "RPA 1983 s.13B",
        )
        self.d_late: dict[str, Decision] = {
            basis.value: Decision(
                False,
                ReasonCode.LATE_ENTRY_OUT_OF_TIME,
                f"Added after the registration deadline ({freeze}) as {basis.label}, but after the last day that "
                f"exception allows ({_long_date(self.late_latest[basis.value])})",
                basis.citation,
            )
            for basis in LateEntryBasis
        }
        self.d_expired = Decision(
            False,
            ReasonCode.DECLARATION_EXPIRED,
            f"The special category declaration had expired by polling day ({_long_date(poll)})",
            "registration.md §3 (overseas: third 1 November; service: 5 years; others: 12 months)",
        )
        self.d_overseas = Decision(
            False,
            ReasonCode.OVERSEAS_UK_PARLIAMENT_ONLY,
            f"Overseas electors may vote at UK Parliamentary polls only, not at a {poll_name} poll",
            "RPA 1985 s.1; registration.md §3.1 [S63][S1] (section unconfirmed)",
        )
        self.d_unknown_special = Decision(
            False,
            ReasonCode.UNKNOWN_SPECIAL_CATEGORY,
            "The special category recorded is not one the law knows: check the entry",
            "registration.md §3",
        )
        self.d_under_age = Decision(
            False,
            ReasonCode.UNDER_AGE,
            f"Under the voting age ({self.age}) on polling day ({_long_date(poll)})",
            "ems_rules.franchise.voting_age: RPA 1983 ss.1-2; registration.md §1.6",
        )

    def marker_decision(self, codes: tuple[str, ...] | str) -> Decision | None:
        """None when every marker allows this poll; otherwise the reason the first one does not."""
        for raw in codes:
            code = raw.strip().upper()
            if not code or not code.isalnum():  # separators in a marker string such as "G, N"
                continue
            entry = self.markers.get(code)
            if entry is None:
                return Decision(
                    False,
                    ReasonCode.UNKNOWN_MARKER,
                    f"Franchise marker {code!r} is not in the marker table: check the entry",
                    "registration.md §1.3",
                )
            rules = (entry,) if isinstance(entry, MarkerRule) else tuple(entry)
            in_force = [r for r in rules if r.applies_to(self.nation) and r.in_force(self.poll_date)]
            if not in_force:
                return Decision(
                    False,
                    ReasonCode.MARKER_NOT_IN_FORCE,
                    f"Franchise marker {code} gives no vote in {self.nation} on {_long_date(self.poll_date)}",
                    "; ".join(sorted({r.source for r in rules if r.source})) or "registration.md §1.3-1.4",
                )
            if not any(self.code in r.poll_types for r in in_force):
                return Decision(
                    False,
                    ReasonCode.MARKER_EXCLUDES,
                    f"Franchise marker {code} ({in_force[0].meaning}) does not allow a {POLL_NAMES[self.code]} poll",
                    "; ".join(sorted({r.source for r in in_force if r.source})) or "registration.md §1.3",
                )
        return None

    def decide(
        self,
        markers: tuple[str, ...] | str,
        date_of_birth: dt.date | None,
        attainer_date: dt.date | None,
        special_category: str | None,
        declaration_expires: dt.date | None,
        entered_on: dt.date,
        left_on: dt.date | None,
        late_basis: str | None,
    ) -> Decision:
        poll = self.poll_date
        if entered_on > poll:
            return self.d_not_yet
        if left_on is not None and left_on <= poll:
            return self.d_deleted
        if entered_on > self.freeze:
            if late_basis is None:
                return self.d_after_deadline
            latest = self.late_latest.get(late_basis)
            if latest is None:
                return self.d_unknown_basis
            if entered_on > latest:
                return self.d_late[late_basis]
        if declaration_expires is not None and declaration_expires <= poll:
            return self.d_expired
        if special_category:
            if special_category == "overseas":
                if not self.overseas_ok:
                    return self.d_overseas
            elif special_category not in _SPECIAL_CATEGORIES:
                return self.d_unknown_special
        if markers:
            if not isinstance(markers, tuple | str):  # a list from a database row
                markers = tuple(markers)
            found = self.marker_cache.get(markers, _UNDECIDED)
            if found is _UNDECIDED:
                found = self.marker_cache[markers] = self.marker_decision(markers)
            if found is not None:
                return found
        if date_of_birth is not None:
            if date_of_birth > self.adult_born_by:
                return self.d_under_age
        elif attainer_date is not None:
            reaches = attainer_date if not self.attainer_years else add_years(attainer_date, self.attainer_years)
            if reaches > poll:
                return self.d_under_age
        return self.d_eligible


_SPECIAL_CATEGORIES = frozenset({*(c.value for c in SpecialCategory), "crown_servant"})


def _latest_birth_date(poll_date: dt.date, age: int) -> dt.date:
    """The latest date of birth of a person who has reached ``age`` on ``poll_date``.

    Agrees with ``franchise.age_on`` (a 29 February birthday counts from 1 March in a common
    year): a person born on or before this date is ``age`` or over on polling day.
    """
    try:
        return poll_date.replace(year=poll_date.year - age)
    except ValueError:  # polling day is 29 February and that year less ``age`` is common
        return dt.date(poll_date.year - age, 2, 28)


_CACHE: dict[tuple[BallotFacts, int], tuple[MarkerTable, _Compiled]] = {}
_CACHE_SIZE = 64


def _compiled(ballot: BallotFacts, markers: MarkerTable) -> _Compiled:
    key = (ballot, id(markers))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is markers:
        return hit[1]
    compiled = _Compiled(ballot, markers)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = (markers, compiled)
    return compiled


# ---- public API --------------------------------------------------------------------------------


def decide(elector: ElectorFacts, ballot: BallotFacts, markers: MarkerTable = DEFAULT_MARKERS) -> Decision:
    """Whether ``elector`` may vote at ``ballot``, with the reason (see the module docstring).

    ``markers`` is the franchise marker table (code to one ``MarkerRule`` or several); the
    default mirrors the seeded ``FranchiseMarker`` records. Treat a table as immutable once
    passed: compiled ballots are cached against it.
    """
    return _compiled(ballot, markers).decide(
        elector.markers,
        elector.date_of_birth,
        elector.attainer_date,
        elector.special_category,
        elector.declaration_expires,
        elector.entered_on,
        elector.left_on,
        elector.late_basis,
    )


def decide_many(
    electors: Iterable[ElectorFacts | ElectorRow],
    ballot: BallotFacts,
    markers: MarkerTable = DEFAULT_MARKERS,
) -> Iterator[tuple[str, Decision]]:
    """``(elector_id, Decision)`` for each elector, in input order.

    Electors may be ``ElectorFacts`` or plain tuples in ``ELECTOR_FIELDS`` order (cheaper to
    build from database rows). Decisions are shared objects: compare them by value.
    """
    decide_one = _compiled(ballot, markers).decide
    for elector in electors:
        if type(elector) is tuple:
            eid, codes, dob, attainer, special, expires, _anonymous, entered, left, late = elector
            yield eid, decide_one(codes, dob, attainer, special, expires, entered, left, late)
        else:
            facts = cast(ElectorFacts, elector)
            yield (
                facts.elector_id,
                decide_one(
                    facts.markers,
                    facts.date_of_birth,
                    facts.attainer_date,
                    facts.special_category,
                    facts.declaration_expires,
                    facts.entered_on,
                    facts.left_on,
                    facts.late_basis,
                ),
            )


def decide_ballots(
    electors: Iterable[ElectorFacts | ElectorRow],
    ballots: Sequence[BallotFacts],
    markers: MarkerTable = DEFAULT_MARKERS,
) -> Iterator[tuple[str, tuple[Decision, ...]]]:
    """One pass over the electors of a combined poll: a decision per ballot, in ``ballots`` order."""
    deciders = [_compiled(ballot, markers).decide for ballot in ballots]
    for elector in electors:
        if type(elector) is tuple:
            eid, codes, dob, attainer, special, expires, _anonymous, entered, left, late = elector
        else:
            facts = cast(ElectorFacts, elector)
            eid, codes, dob, attainer = facts.elector_id, facts.markers, facts.date_of_birth, facts.attainer_date
            special, expires, entered, left, late = (
                facts.special_category,
                facts.declaration_expires,
                facts.entered_on,
                facts.left_on,
                facts.late_basis,
            )
        yield eid, tuple(d(codes, dob, attainer, special, expires, entered, left, late) for d in deciders)


NOT_IN_RUN = Decision(
    False,
    ReasonCode.NOT_IN_RUN,
    "No longer in the register for this ballot's area",
    "RPA 1983 ss.1(1)(a), 2(1)(a): registered on the date of the poll",
)


def diff(before: Mapping[str, Decision], after: Mapping[str, Decision]) -> list[EligibilityChange]:
    """Who entered and who left the electorate between two runs of one ballot, with reasons.

    ``entered``: eligible now and not before (or not in the earlier run). ``left``: eligible
    before and not now; an elector missing from the later run is given ``NOT_IN_RUN``.
    ``reason_changed``: eligibility the same but the reason code differs (an excluded elector
    now excluded for another reason, say). Electors new in the later run and not eligible are
    not changes: list them from the later run itself. Sorted by elector id.
    """
    changes: list[EligibilityChange] = []
    for eid, now in after.items():
        was = before.get(eid)
        if now.eligible:
            if was is None or not was.eligible:
                changes.append(EligibilityChange(eid, "entered", was, now))
            elif was.reason_code != now.reason_code:
                changes.append(EligibilityChange(eid, "reason_changed", was, now))
        elif was is not None:
            if was.eligible:
                changes.append(EligibilityChange(eid, "left", was, now))
            elif was.reason_code != now.reason_code:
                changes.append(EligibilityChange(eid, "reason_changed", was, now))
    for eid, was in before.items():
        if was.eligible and eid not in after:
            changes.append(EligibilityChange(eid, "left", was, NOT_IN_RUN))
    changes.sort(key=lambda change: change.elector_id)
    return changes
