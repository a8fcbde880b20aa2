"""Candidate spending limits, and the deadlines for spending returns.

Pure Python (no Django, no ``ems``). Election types use the names of ``ems timetable``.

**The electorate** is the number of entries in the register of electors for the constituency
or electoral area "as it has effect on the last day for publication of notice of the
election" (RPA 1983 s.76(4), quoted on idea.int; SSI 2015/425 art 42(5), read). The EC adds
that attainers who will not be 18 on or before polling day are left out (EC local RO
guidance, "Providing information on election spending", read). The caller counts; this module
multiplies.

**Limits are data with validity dates** (``SPENDING_LIMITS``, ``PCC_LIMITS``,
``LONG_CAMPAIGN_LIMITS``): a fixed sum plus an amount for each elector, in tenths of a penny
(5.9p is 59). The record in force on **polling day** applies. Amounts are computed exactly and
rounded **down** to a whole penny (a fraction of a penny cannot be spent; rounding down never
overstates the limit). Validity dates marked "placeholder" are not the instrument's
commencement, which was not found: they are the earliest date consistent with the sources
read, and only decide polls close to a change.

Limits recorded (read = text or published figures checked for this module):

- UK Parliament, short campaign: £8,700 + 9p (county) / 6p (borough) per elector from 4 August
  2014 (SI 2014/1870 art 4, read); £11,390 + 12p / 8p after SI 2023/1235 art 2 (explanatory
  note read; figures confirmed by published 2024 limits: Hounslow, Brentford & Isleworth
  77,874 electors £17,619.92, Feltham & Heston 75,503 £17,430.24; Mole Valley 69,943 electors
  county £19,783.16; article text and commencement **unconfirmed**, placeholder 22 November
  2023). Scottish "burgh" constituencies are borough constituencies (RPA 1983 s.204(2), via
  SI 2014/1870 footnote, read).
- UK Parliament, long campaign (pre-candidacy, RPA 1983 s.76ZA): £30,700 + 9p / 6p from 4
  August 2014 (SI 2014/1870 art 6, read); £40,220 + 12p / 8p after SI 2023/1235 (Institute for
  Government explainer, read; **unconfirmed**). The maximum is scaled by the month of the
  Parliament in which it is dissolved: 60% in the 56th month rising by 10 points a month to
  100% in the 60th (same explainer; s.76ZA text **unconfirmed**).
- UK Parliament by-election: £100,000 (s.76(2)(aa), quoted on idea.int, read). SI 2023/1235
  "increases the fixed limit for candidates in parliamentary by-elections" (explanatory note,
  read) to a figure not found: polls after the placeholder date raise ``NoLimitError``.
- Local councils in England (principal, by-elections and — **unconfirmed** — parishes,
  "any other local government election" in s.76(2)(b)(ii)): £740 + 6p from 4 August 2014
  (SI 2014/1870 art 5, read; England and Wales); £806 + 7p after SI 2020/1634 (England only;
  figures from Richmond's May 2022 page, read; commencement **unconfirmed**, placeholder 1
  January 2021); £960 + 8p after SI 2023/1235 (EC candidate guidance, read: 7,500 electors
  gives £1,560). Wales keeps £740 + 6p in these records (**unconfirmed** whether Welsh law has
  since varied it). Joint candidates: the limit is "reduced by a quarter or, if there are more
  than two joint candidates, by one-third" (RPA 1983 s.77(1), enacted text read; EC example:
  two joint candidates, 7,500 electors, £1,170 each, read).
- Local authority mayors: £2,362 + 5.9p (England and Wales) until SI 2024/428 reg 3 (read):
  England £3,040 + 8p, Wales unchanged. SI 2024/428 came into force the day after it was made
  (reg 1, read); the made date is **unconfirmed** (placeholder 21 March 2024, after the Lords
  approved the draft on 19 March 2024, Hansard read).
- Combined authority mayors: £2,362 × the number of constituent councils + 5.9p per elector
  (CAMO 2017 explanatory note, read); from 2024 £3,040 × councils + 8p (SI 2024/428
  explanatory note says the local mayor limit "aligns with" the new combined authority limit
  in SI 2024/131; the per-council multiplier and the date are **unconfirmed**).
- Police and Crime Commissioners: a fixed sum per police area (PCCEO 2012 art 35(2) Table 2),
  varied from 12 December 2023 by SI 2023/1227 art 2 (read on a BAILII mirror). Only the
  entries read are recorded: Avon & Somerset £222,851 then £305,130; Bedfordshire £83,681
  then £114,570. Other areas raise ``NoLimitError``: add them from SI 2023/1227.
- Greater London Authority from SI 2024/428 (reg 2, text **not read**): Mayor £760,410;
  constituency member £63,360; London-wide list or individual candidate £597,460 (London
  Elects 2024, "proposed", read). They are exactly the earlier £420,000, £35,000 and £330,000
  raised by the 81.05% in the explanatory note and rounded down to £10 (checked).
- Scottish Parliament: £8,700 + 9p (county) / 6p (burgh) per elector; a constituency vacancy
  £100,000 (SSI 2015/425 art 42, read; placeholder start 1 January 2016; whether it has been
  varied for 2026 is **unconfirmed**). Individual regional candidates (the sum over the
  region's constituencies) are not modelled.
- Senedd from 2026: £52,500 for an individual candidate (Welsh Government written statement,
  17 April 2025, "proposed" in the Conduct Order, read; **unconfirmed** as made).

Return deadlines (``return_deadline``), in calendar days after the day the result is declared:
35 (RPA 1983 s.81(1); RBWM and EC Senedd 2016 pages, read), parish 28 days after the day of
**election** (RPA 1983 Sch 4 para 3, read), Mayor of London and London-wide Assembly 70,
London Assembly constituency 35 (EC GLRO guidance and London Elects, read), PCC 70
(elections.md §8.3, **unconfirmed**), combined authority mayor 35 (**unconfirmed**: 35 or 70).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ems_rules.franchise import Nation

_EPOCH = dt.date(1970, 1, 1)  # "long before any date the EMS handles"; not a statutory date
_SI_2014_1870 = dt.date(2014, 8, 4)  # art 1: comes into force on 4 August 2014 (read)
_SI_2020_1634 = dt.date(2021, 1, 1)  # placeholder: SI number of late 2020; first used at the May 2021 polls
_SI_2023_1235 = dt.date(2023, 11, 22)  # placeholder: SI 2023/1225 was made on 20 November 2023
_SI_2023_1227 = dt.date(2023, 12, 12)  # art 1(1): comes into force on 12 December 2023 (read)
_SI_2024_428 = dt.date(2024, 3, 21)  # placeholder: day after made; Lords approved the draft 19 March 2024
_SI_2024_131 = dt.date(2024, 2, 8)  # placeholder: CAMO amendment debated 30-31 January 2024
_SSI_2015_425 = dt.date(2016, 1, 1)  # placeholder: first used at the 5 May 2016 election
_SENEDD_2026 = dt.date(2026, 1, 1)  # placeholder: the 2026 Conduct Order
_PCCEO_2012 = dt.date(2012, 8, 1)  # placeholder: first PCC elections 15 November 2012

ENG = frozenset({Nation.ENGLAND})
WLS = frozenset({Nation.WALES})
SCT = frozenset({Nation.SCOTLAND})
ENG_WLS = frozenset({Nation.ENGLAND, Nation.WALES})
GB = frozenset({Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND})
UK = frozenset(Nation)

ELECTION_TYPES: tuple[str, ...] = (
    "ukpge",
    "ukp-by",
    "local",
    "local-by",
    "parish",
    "pcc",
    "mayor-local",
    "mayor-ca",
    "gla",
    "senedd",
    "scottish-parliament",
)
CONSTITUENCY_TYPES = ("borough", "county")
GLA_CONTESTS = ("mayor", "constituency", "london-wide")
SCOTTISH_CONTESTS = ("constituency", "vacancy")
JOINT_CANDIDATE_TYPES = frozenset({"local", "local-by", "parish"})


class NoLimitError(LookupError):
    """No spending limit is recorded for these facts."""


@dataclass(frozen=True, slots=True)
class SpendingLimit:
    """One limit: ``fixed_pence`` (× constituent councils where ``per_council``) plus
    ``per_elector_tenths`` tenths of a penny for each elector, in force on polling days from
    ``valid_from`` to ``valid_to`` inclusive."""

    election_type: str
    nations: frozenset[Nation]
    contest: str | None  # "borough"/"county" (UK and Scottish Parliament), a GLA contest, "vacancy"
    fixed_pence: int
    per_elector_tenths: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    per_council: bool = False
    unconfirmed: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def _before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _ukp(
    contest: str, fixed: int, tenths: int, start: dt.date, end: dt.date | None, source: str, unconfirmed: str = ""
) -> SpendingLimit:
    return SpendingLimit("ukpge", UK, contest, fixed, tenths, start, end, source, unconfirmed=unconfirmed)


_2014 = "RPA 1983 s.76(2)(a) as varied by SI 2014/1870 art 4 (read)"
_2023 = "RPA 1983 s.76(2)(a) as varied by SI 2023/1235 art 2; 2024 published limits (Hounslow, Mole Valley)"
_2023_UNCONFIRMED = "article text and commencement of SI 2023/1235 (valid_from is a placeholder)"
_LOCAL_2014 = "RPA 1983 s.76(2)(b)(ii) as varied by SI 2014/1870 art 5 (read)"


def _local(kind: str) -> tuple[SpendingLimit, ...]:
    parish = " (parish: same s.76(2)(b)(ii) limit, unconfirmed)" if kind == "parish" else ""
    return (
        SpendingLimit(kind, ENG, None, 74_000, 60, _SI_2014_1870, _before(_SI_2020_1634), _LOCAL_2014 + parish),
        SpendingLimit(
            kind,
            ENG,
            None,
            80_600,
            70,
            _SI_2020_1634,
            _before(_SI_2023_1235),
            "RPA 1983 s.76(2)(b)(ii) as varied by SI 2020/1634 art 2; Richmond 2022 published limit" + parish,
            unconfirmed="commencement of SI 2020/1634 (placeholder)",
        ),
        SpendingLimit(
            kind,
            ENG,
            None,
            96_000,
            80,
            _SI_2023_1235,
            None,
            "RPA 1983 s.76(2)(b)(ii) as varied by SI 2023/1235 art 2; EC candidate guidance 'How much can you "
            "spend' (read)" + parish,
            unconfirmed="commencement of SI 2023/1235 (placeholder)",
        ),
        SpendingLimit(
            kind,
            WLS,
            None,
            74_000,
            60,
            _SI_2014_1870,
            None,
            _LOCAL_2014 + parish,
            unconfirmed="whether Welsh law has varied the limit since 2014",
        ),
    )


SPENDING_LIMITS: tuple[SpendingLimit, ...] = (
    _ukp("county", 870_000, 90, _SI_2014_1870, _before(_SI_2023_1235), _2014),
    _ukp("borough", 870_000, 60, _SI_2014_1870, _before(_SI_2023_1235), _2014),
    _ukp("county", 1_139_000, 120, _SI_2023_1235, None, _2023, _2023_UNCONFIRMED),
    _ukp("borough", 1_139_000, 80, _SI_2023_1235, None, _2023, _2023_UNCONFIRMED),
    SpendingLimit(
        "ukp-by",
        UK,
        None,
        10_000_000,
        0,
        _EPOCH,
        _before(_SI_2023_1235),
        "RPA 1983 s.76(2)(aa): £100,000 (idea.int quotation, read)",
        unconfirmed="start date (placeholder)",
    ),
    *_local("local"),
    *_local("local-by"),
    *_local("parish"),
    SpendingLimit(
        "mayor-local",
        ENG_WLS,
        None,
        236_200,
        59,
        _EPOCH,
        _before(_SI_2024_428),
        "LAMER 2007 (SI 2007/1024) Sch 2 Table 1, s.76 entry, before SI 2024/428 (Wales figure read in reg 3)",
        unconfirmed="England figure before 2024 inferred from the Welsh figure and the 29.09% uprating",
    ),
    SpendingLimit(
        "mayor-local",
        ENG,
        None,
        304_000,
        80,
        _SI_2024_428,
        None,
        "LAMER 2007 Sch 2 as amended by SI 2024/428 reg 3(2)(a) (read)",
        unconfirmed="made date of SI 2024/428 (placeholder)",
    ),
    SpendingLimit(
        "mayor-local",
        WLS,
        None,
        236_200,
        59,
        _SI_2024_428,
        None,
        "LAMER 2007 Sch 2 as amended by SI 2024/428 reg 3(2)(b) (read)",
    ),
    SpendingLimit(
        "mayor-ca",
        ENG,
        None,
        236_200,
        59,
        _EPOCH,
        _before(_SI_2024_131),
        "CAMO 2017 (SI 2017/67) Sch 2, s.76 as modified: £2,362 x constituent councils + 5.9p (explanatory note read)",
        per_council=True,
    ),
    SpendingLimit(
        "mayor-ca",
        ENG,
        None,
        304_000,
        80,
        _SI_2024_131,
        None,
        "CAMO 2017 as amended by SI 2024/131; SI 2024/428 explanatory note: aligned with the local mayor limit",
        per_council=True,
        unconfirmed="the per-council multiplier after 2024, the figures and the date",
    ),
    SpendingLimit(
        "gla",
        ENG,
        "mayor",
        76_041_000,
        0,
        _SI_2024_428,
        None,
        "Greater London Authority Elections (Expenses) Order as varied by SI 2024/428 reg 2; London Elects 2024",
        unconfirmed="reg 2 text not read; London Elects called the figures proposed",
    ),
    SpendingLimit(
        "gla",
        ENG,
        "constituency",
        6_336_000,
        0,
        _SI_2024_428,
        None,
        "as above; London Elects 2024",
        unconfirmed="reg 2 text not read",
    ),
    SpendingLimit(
        "gla",
        ENG,
        "london-wide",
        59_746_000,
        0,
        _SI_2024_428,
        None,
        "as above; London Elects 2024 (individual candidate or party list)",
        unconfirmed="reg 2 text not read",
    ),
    SpendingLimit(
        "scottish-parliament",
        SCT,
        "county",
        870_000,
        90,
        _SSI_2015_425,
        None,
        "Scottish Parliament (Elections etc.) Order 2015 (SSI 2015/425) art 42(2)(a) (read)",
        unconfirmed="start date (placeholder) and any variation for 2026",
    ),
    SpendingLimit(
        "scottish-parliament",
        SCT,
        "borough",
        870_000,
        60,
        _SSI_2015_425,
        None,
        "SSI 2015/425 art 42(2)(b), burgh constituency (read)",
        unconfirmed="start date (placeholder) and any variation for 2026",
    ),
    SpendingLimit(
        "scottish-parliament",
        SCT,
        "vacancy",
        10_000_000,
        0,
        _SSI_2015_425,
        None,
        "SSI 2015/425 art 42(3): election under Scotland Act 1998 s.9 (read)",
        unconfirmed="start date (placeholder)",
    ),
    SpendingLimit(
        "senedd",
        WLS,
        None,
        5_250_000,
        0,
        _SENEDD_2026,
        None,
        "Senedd Cymru conduct order 2025; Welsh Government written statement 17 April 2025 (read)",
        unconfirmed="the figure was 'proposed' in the statement; the order as made was not read",
    ),
)


@dataclass(frozen=True, slots=True)
class PoliceAreaLimit:
    """A PCC candidate's limit in one police area (PCCEO 2012 art 35(2) Table 2)."""

    police_area: str
    pence: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


_PCC_OLD = "PCCEO 2012 (SI 2012/1917) art 35(2) Table 2 (the amount SI 2023/1227 replaced, read; start placeholder)"
_PCC_NEW = "PCCEO 2012 art 35(2) Table 2 as varied by SI 2023/1227 art 2 (read)"

PCC_LIMITS: tuple[PoliceAreaLimit, ...] = (
    PoliceAreaLimit("Avon & Somerset", 22_285_100, _PCCEO_2012, _before(_SI_2023_1227), _PCC_OLD),
    PoliceAreaLimit("Avon & Somerset", 30_513_000, _SI_2023_1227, None, _PCC_NEW),
    PoliceAreaLimit("Bedfordshire", 8_368_100, _PCCEO_2012, _before(_SI_2023_1227), _PCC_OLD),
    PoliceAreaLimit("Bedfordshire", 11_457_000, _SI_2023_1227, None, _PCC_NEW),
)


@dataclass(frozen=True, slots=True)
class LongCampaignLimit:
    """The maximum pre-candidacy limit at a UK general election (RPA 1983 s.76ZA(2))."""

    constituency_type: str
    fixed_pence: int
    per_elector_tenths: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    unconfirmed: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


LONG_CAMPAIGN_LIMITS: tuple[LongCampaignLimit, ...] = (
    LongCampaignLimit(
        "county", 3_070_000, 90, _SI_2014_1870, _before(_SI_2023_1235), "RPA 1983 s.76ZA(2) as varied by SI 2014/1870"
    ),
    LongCampaignLimit(
        "borough", 3_070_000, 60, _SI_2014_1870, _before(_SI_2023_1235), "RPA 1983 s.76ZA(2)(b), SI 2014/1870 art 6"
    ),
    LongCampaignLimit(
        "county",
        4_022_000,
        120,
        _SI_2023_1235,
        None,
        "RPA 1983 s.76ZA(2) as varied by SI 2023/1235; Institute for Government explainer (read)",
        unconfirmed="figures from a secondary source; commencement placeholder",
    ),
    LongCampaignLimit(
        "borough",
        4_022_000,
        80,
        _SI_2023_1235,
        None,
        "RPA 1983 s.76ZA(2) as varied by SI 2023/1235; Institute for Government explainer (read)",
        unconfirmed="figures from a secondary source; commencement placeholder",
    ),
)

# Share of the maximum by the month of the Parliament in which it is dissolved (s.76ZA; IfG explainer).
LONG_CAMPAIGN_SHARE: dict[int, Fraction] = {
    56: Fraction(6, 10),
    57: Fraction(7, 10),
    58: Fraction(8, 10),
    59: Fraction(9, 10),
    60: Fraction(1),
}


def _check_count(name: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, not {value}")


def _amount(fixed_pence: int, per_elector_tenths: int, electorate: int) -> Fraction:
    return Fraction(fixed_pence) + Fraction(per_elector_tenths * electorate, 10)


def _contest_for(election_type: str, constituency_type: str | None, contest: str | None) -> str | None:
    if election_type == "ukpge":
        if constituency_type not in CONSTITUENCY_TYPES:
            raise ValueError("a UK general election limit needs --constituency-type borough or county")
        return constituency_type
    if election_type == "scottish-parliament":
        if contest == "vacancy":
            return "vacancy"
        if contest not in (None, "constituency"):
            raise ValueError(f"unknown Scottish Parliament contest {contest!r}: choose constituency or vacancy")
        if constituency_type not in CONSTITUENCY_TYPES:
            raise ValueError(
                "a Scottish Parliament constituency limit needs a constituency type: borough (burgh) or county"
            )
        return constituency_type
    if election_type == "gla":
        chosen = contest or "mayor"
        if chosen not in GLA_CONTESTS:
            raise ValueError(f"unknown GLA contest {chosen!r}: choose one of {', '.join(GLA_CONTESTS)}")
        return chosen
    if constituency_type is not None:
        raise ValueError(
            f"a constituency type applies only to UK and Scottish Parliament elections, not {election_type}"
        )
    if contest is not None:
        raise ValueError(f"a {election_type} election has only one contest")
    return None


def spending_limit_record(
    election_type: str,
    poll_date: dt.date,
    *,
    nation: Nation | str = Nation.ENGLAND,
    constituency_type: str | None = None,
    contest: str | None = None,
) -> SpendingLimit:
    """The ``SpendingLimit`` record in force on ``poll_date`` (not PCC: see ``PCC_LIMITS``)."""
    if election_type not in ELECTION_TYPES:
        raise ValueError(f"unknown election type {election_type!r}: choose one of {', '.join(ELECTION_TYPES)}")
    try:
        nation = Nation(nation)
    except ValueError:
        raise ValueError(f"unknown nation {nation!r}: choose one of {', '.join(n.value for n in Nation)}") from None
    if constituency_type == "burgh":
        constituency_type = "borough"  # RPA 1983 s.204(2)
    key = _contest_for(election_type, constituency_type, contest)
    matches = [
        r for r in SPENDING_LIMITS if r.election_type == election_type and r.contest == key and nation in r.nations
    ]
    if not matches:
        raise NoLimitError(f"no spending limit is recorded for a {election_type} election in {nation.value}")
    in_force = [r for r in matches if r.in_force(poll_date)]
    if len(in_force) != 1:
        if election_type == "ukp-by" and poll_date >= _SI_2023_1235:
            raise NoLimitError(
                "SI 2023/1235 raised the UK Parliamentary by-election limit to a figure not yet recorded: "
                "check legislation.gov.uk"
            )
        earliest = min(r.valid_from for r in matches)
        raise NoLimitError(
            f"no spending limit is recorded for a {election_type} election in {nation.value} on "
            f"{poll_date.isoformat()} (the earliest record starts {earliest.isoformat()})"
        )
    return in_force[0]


def _police_area_limit(police_area: str | None, poll_date: dt.date) -> int:
    if not police_area:
        raise ValueError("a PCC limit is fixed per police area: give the police area")
    wanted = police_area.strip().casefold().replace(" and ", " & ")
    matches = [r for r in PCC_LIMITS if r.police_area.casefold() == wanted]
    if not matches:
        known = ", ".join(sorted({r.police_area for r in PCC_LIMITS}))
        raise NoLimitError(
            f"no PCC limit is recorded for police area {police_area!r} (recorded: {known}); "
            "add it from PCCEO 2012 art 35 Table 2 as varied by SI 2023/1227"
        )
    in_force = [r for r in matches if r.in_force(poll_date)]
    if len(in_force) != 1:
        raise NoLimitError(f"no PCC limit is recorded for {police_area} on {poll_date.isoformat()}")
    return in_force[0].pence


def _reduce_for_joint_candidates(amount: Fraction, election_type: str, joint_candidates: int) -> Fraction:
    _check_count("joint_candidates", joint_candidates, 1)
    if joint_candidates == 1:
        return amount
    if election_type not in JOINT_CANDIDATE_TYPES:
        raise ValueError(f"joint candidates arise only at local council elections, not at a {election_type} election")
    # RPA 1983 s.77(1): "reduced by a quarter or, if there are more than two joint candidates, by one-third"
    return amount * (Fraction(3, 4) if joint_candidates == 2 else Fraction(2, 3))


def candidate_spending_limit_pence(
    election_type: str,
    poll_date: dt.date,
    electorate: int,
    *,
    constituency_type: str | None = None,
    joint_candidates: int = 1,
    nation: Nation | str = Nation.ENGLAND,
    police_area: str | None = None,
    contest: str | None = None,
    constituent_councils: int | None = None,
) -> int:
    """A candidate's spending limit, in whole pence (rounded down), for a poll on ``poll_date``.

    ``electorate``: entries in the register for the area on the last day for publication of
    the notice of election, leaving out attainers not 18 by polling day (module docstring).
    ``constituency_type``: borough (burgh) or county, for UK and Scottish Parliament
    constituencies. ``joint_candidates``: how many joint candidates (RPA 1983 s.77: two, a
    quarter off; three or more, a third off) — local council elections only. ``police_area``:
    PCC elections. ``contest``: GLA mayor / constituency / london-wide; Scottish Parliament
    constituency / vacancy. ``constituent_councils``: combined authority mayors. Raises
    ``ValueError`` for bad input and ``NoLimitError`` where no limit is recorded.
    """
    _check_count("electorate", electorate, 0)
    if election_type == "pcc":
        if constituency_type is not None or contest is not None:
            raise ValueError("a PCC election has one contest and no constituency type")
        amount = Fraction(_police_area_limit(police_area, poll_date))
    else:
        record = spending_limit_record(
            election_type, poll_date, nation=nation, constituency_type=constituency_type, contest=contest
        )
        fixed = record.fixed_pence
        if record.per_council:
            if constituent_councils is None:
                raise ValueError("a combined authority mayor's limit needs the number of constituent councils")
            _check_count("constituent_councils", constituent_councils, 1)
            fixed *= constituent_councils
        amount = _amount(fixed, record.per_elector_tenths, electorate)
    amount = _reduce_for_joint_candidates(amount, election_type, joint_candidates)
    return int(amount)  # Fraction -> int truncates toward zero: rounds down for a positive amount


def long_campaign_limit_pence(
    poll_date: dt.date, electorate: int, *, constituency_type: str, dissolution_month: int
) -> int:
    """The UK general election long campaign (pre-candidacy) limit, in whole pence.

    Applies only when Parliament is dissolved after its 55th month (RPA 1983 s.76ZA(1)):
    ``dissolution_month`` is the month of the Parliament in which it is dissolved (56 to 60);
    earlier dissolutions have no long campaign and give 0. The share of the maximum is 60%
    in the 56th month rising to 100% in the 60th (Institute for Government explainer, read;
    s.76ZA text **unconfirmed**).
    """
    _check_count("electorate", electorate, 0)
    _check_count("dissolution_month", dissolution_month, 1)
    if dissolution_month > 60:
        raise ValueError("a Parliament lasts at most 60 months before it is dissolved")
    if constituency_type == "burgh":
        constituency_type = "borough"
    if constituency_type not in CONSTITUENCY_TYPES:
        raise ValueError("the long campaign limit needs a constituency type: borough or county")
    share = LONG_CAMPAIGN_SHARE.get(dissolution_month)
    if share is None:
        return 0
    records = [r for r in LONG_CAMPAIGN_LIMITS if r.constituency_type == constituency_type and r.in_force(poll_date)]
    if len(records) != 1:
        raise NoLimitError(f"no long campaign limit is recorded for {poll_date.isoformat()}")
    record = records[0]
    return int(_amount(record.fixed_pence, record.per_elector_tenths, electorate) * share)


# ---- returns and declarations ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReturnPeriod:
    """Days allowed for the election agent's return of election expenses."""

    election_types: frozenset[str]
    contest: str | None
    days: int
    from_poll_day: bool  # counted from the day of election (parish), not the declaration
    source: str
    unconfirmed: str = ""


RETURN_PERIODS: tuple[ReturnPeriod, ...] = (
    ReturnPeriod(
        frozenset({"ukpge", "ukp-by", "local", "local-by", "mayor-local"}),
        None,
        35,
        False,
        "RPA 1983 s.81(1): within 35 days after the day on which the result is declared (RBWM guidance, read)",
    ),
    ReturnPeriod(
        frozenset({"parish"}),
        None,
        28,
        True,
        "RPA 1983 s.90 and Sch 4 para 3: 'Within 28 days after the day of election' (read)",
    ),
    ReturnPeriod(
        frozenset({"gla"}),
        "mayor",
        70,
        False,
        "RPA 1983 s.81 as applied to Authority elections; EC GLRO guidance 'Candidates' spending returns' (read)",
    ),
    ReturnPeriod(frozenset({"gla"}), "london-wide", 70, False, "EC GLRO guidance; London Elects (read)"),
    ReturnPeriod(frozenset({"gla"}), "constituency", 35, False, "London Elects: 35 days for constituency (read)"),
    ReturnPeriod(
        frozenset({"pcc"}),
        None,
        70,
        False,
        "PCCEO 2012 Sch 2 (s.81 as modified) (elections.md §8.3)",
        unconfirmed="70 days from elections.md, not read",
    ),
    ReturnPeriod(
        frozenset({"mayor-ca"}),
        None,
        35,
        False,
        "CAMO 2017 Sch 2 (s.81 as applied)",
        unconfirmed="35 or 70 days (elections.md §15); the shorter is recorded so no deadline is overstated",
    ),
    ReturnPeriod(
        frozenset({"senedd"}),
        None,
        35,
        False,
        "EC Senedd (National Assembly) 2016 candidate page: returns within 35 days of the result (read)",
        unconfirmed="not re-read for the 2026 conduct order",
    ),
    ReturnPeriod(
        frozenset({"scottish-parliament"}),
        None,
        35,
        False,
        "SSI 2015/425 (s.81 analogue); EC Scottish Parliament 2026 party guidance mentions 35 days (read)",
        unconfirmed="the constituency candidate return period was not read",
    ),
)

INSPECTION_NOTICE_DAYS = 10  # RPA 1983 s.88 (elections.md §8.3; English wording unconfirmed)


def return_period(election_type: str, *, contest: str | None = None) -> ReturnPeriod:
    if election_type not in ELECTION_TYPES:
        raise ValueError(f"unknown election type {election_type!r}: choose one of {', '.join(ELECTION_TYPES)}")
    key = (contest or "mayor") if election_type == "gla" else None
    if election_type == "gla" and key not in GLA_CONTESTS:
        raise ValueError(f"unknown GLA contest {contest!r}: choose one of {', '.join(GLA_CONTESTS)}")
    for period in RETURN_PERIODS:
        if election_type in period.election_types and period.contest == key:
            return period
    raise NoLimitError(f"no return period is recorded for a {election_type} election")  # pragma: no cover


def return_deadline(
    election_type: str,
    result_declared: dt.date,
    *,
    contest: str | None = None,
    poll_date: dt.date | None = None,
) -> dt.date:
    """The last day for the election agent's spending return (calendar days; see the module docstring).

    35 days after the day the result is declared (UK Parliament, local councils, local
    authority mayors, London Assembly constituencies); 70 (Mayor of London, London-wide
    Assembly, PCC); parish councils 28 days after the **day of election** — pass ``poll_date``;
    without it the declaration day stands in, which is one day late if the count ran past
    midnight.
    """
    period = return_period(election_type, contest=contest)
    start = poll_date if (period.from_poll_day and poll_date is not None) else result_declared
    return start + dt.timedelta(days=period.days)


def inspection_notice_deadline(
    election_type: str,
    result_declared: dt.date,
    *,
    contest: str | None = None,
    poll_date: dt.date | None = None,
) -> dt.date:
    """The last day for the RO's notice of the time and place for inspecting returns: within 10
    days after the end of the time for delivering them (RPA 1983 s.88; elections.md §8.3 — the
    English wording is **unconfirmed**). Returns are then open to inspection for 2 years (s.89).
    """
    return return_deadline(election_type, result_declared, contest=contest, poll_date=poll_date) + dt.timedelta(
        days=INSPECTION_NOTICE_DAYS
    )
