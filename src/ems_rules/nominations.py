"""Nomination rules: subscribers, deposits, descriptions, the order of the statement of persons
nominated, and the checks on each subscriber.

Pure Python (no Django, no ``ems``). Election types use the names of ``ems timetable``
(``ems_rules.timetables.ElectionType``): ukpge, ukp-by, local, local-by, parish, pcc,
mayor-local, mayor-ca, gla, senedd, scottish-parliament. Where one election type holds several
contests with different rules, ``contest`` chooses: gla = mayor (default), constituency or
london-wide; scottish-parliament = constituency (default), regional-individual or regional-list.

The figures (subscribers, deposits, thresholds) are **data with validity dates**
(``SUBSCRIBER_RULES``, ``DEPOSIT_RULES``): when an instrument changes one, close the record
with ``valid_to`` and add a new one. Money is integer pence. Dates asked about are polling days.

Sources (elections.md §3 is the domain research; what was read for this module is marked):

- Subscribers, UK Parliament: 10 (proposer, seconder, 8 assenters); only the first 10 are
  considered; one paper per elector — EC UKPGE guidance "Nomination form – subscriber
  requirements" and by-election guidance "Signatures of subscribers" (read). PER = RPA 1983
  Sch 1 r.7 (rule number from elections.md, **unconfirmed**).
- Principal areas in England: 2 (proposer, seconder) — EC local guidance (read): "two
  electors registered on the local government register in the ward"; before polls on 4 May
  2023 it was 10 (elections.md §3.2 citing SI 2022/1029; **unconfirmed**). Parishes in
  England: 2 (same EC page, read).
- Wales from the polls of 5 May 2022: a candidate nominates themself, a witness attests the
  signature — no subscribers (Local Elections (Communities) (Wales) Rules 2021, WSI 2021/1460
  Sch 2 r.5, read; the Principal Areas Rules WSI 2021/1459 apply from 5 May 2022, read; that
  they have the same self-nomination rule is **unconfirmed**).
- Local authority mayors: 30 from anywhere in the authority, no limit on papers — EC mayoral
  guidance (read). Combined authority mayors: at least 100, at least 10 from each constituent
  council — CAMO 2017 explanatory note (read); "10 × councils where more than 10 councils"
  is elections.md §3.2 (CAMO 2017 Sch 1 r.8, **unconfirmed**). PCC: 100; Mayor of London:
  330 (10 per borough and the City) — elections.md §3.2 citing EC pages (**unconfirmed** here).
- Scottish Parliament: the nomination paper is signed by the candidate and a witness, no
  subscribers (Scottish Parliament (Elections etc.) Order 1999 Sch 2 r.4(2), read; EC
  "Determining a nomination invalid": "the paper is not witnessed as required", read; that SSI
  2015/425 keeps it is **unconfirmed**).
- Deposits: UK Parliament £500 (RPA 1983 Sch 1 r.9(1), read), returned if the candidate polls
  more than one-twentieth of the votes (r.53(4), read in part: the "not elected" limb is
  **unconfirmed**). Mayor of London £10,000 and more than 5%; London-wide Assembly £5,000 per
  list or individual candidate and more than 2.5% "whether or not they have been allocated a
  seat" (EC GLA guidance, read; GLA Elections Rules 2007 SI 2007/3541). Combined authority
  mayor £5,000 (CAMO 2017 explanatory note, read). PCC £5,000, local authority mayor £500,
  London Assembly constituency £1,000 (elections.md / background: **unconfirmed**). Scottish
  Parliament £500 for each constituency candidate, individual regional candidate and party
  list (EC Scottish Parliament RO guidance, read); 5% at constituencies (BBC 2011, read; the
  regional threshold is **unconfirmed**). Principal-area, parish and community councils: no
  deposit (elections.md §3.4: no deposit provision, **unconfirmed** by citation).
- Not modelled (``NoRuleError``): Senedd (the 2026 closed-list system changed the rules),
  Scottish and Northern Irish councils, and contests the sources above do not cover.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from ems_rules.franchise import Nation, PollType, add_years, age_on, voting_age

_EPOCH = dt.date(1970, 1, 1)  # "long before any date the EMS handles"; not a statutory date
_LOCAL_TWO_SUBSCRIBERS_FROM = dt.date(2023, 5, 4)  # "polls after 3 May 2023" (elections.md §3.2; unconfirmed)
_WALES_2021_RULES_FROM = dt.date(2022, 5, 5)  # WSI 2021/1459 and 2021/1460 apply to polls from 5 May 2022

ENG = frozenset({Nation.ENGLAND})
WLS = frozenset({Nation.WALES})
SCT = frozenset({Nation.SCOTLAND})
ENG_WLS = frozenset({Nation.ENGLAND, Nation.WALES})
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

DEFAULT_CONTEST: dict[str, str] = {"gla": "mayor", "scottish-parliament": "constituency"}
CONTESTS: dict[str, tuple[str, ...]] = {
    "gla": ("mayor", "constituency", "london-wide"),
    "scottish-parliament": ("constituency", "regional-individual", "regional-list"),
}

UK_PARLIAMENT = frozenset({"ukpge", "ukp-by"})
COUNCILS = frozenset({"local", "local-by", "parish"})


class NoRuleError(LookupError):
    """No rule is recorded for this election type, nation, contest and date."""


def _validity(valid_from: dt.date, valid_to: dt.date | None, on: dt.date) -> bool:
    return valid_from <= on and (valid_to is None or on <= valid_to)


@dataclass(frozen=True, slots=True)
class SubscriberRule:
    """Subscribers each nomination paper needs: ``count`` in all, and at least ``per_council``
    from each constituent council (combined authority mayors)."""

    election_type: str
    nations: frozenset[Nation]
    contest: str | None
    count: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    per_council: int = 0
    unconfirmed: str = ""

    def in_force(self, on: dt.date) -> bool:
        return _validity(self.valid_from, self.valid_to, on)


@dataclass(frozen=True, slots=True)
class DepositRule:
    """The deposit (None: no deposit) and the share of the votes above which it is returned."""

    election_type: str
    nations: frozenset[Nation]
    contest: str | None
    pence: int | None
    returned_above: Fraction | None
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    unconfirmed: str = ""

    def in_force(self, on: dt.date) -> bool:
        return _validity(self.valid_from, self.valid_to, on)


_EC = "https://www.electoralcommission.org.uk"
_EC_UKP_SUBSCRIBERS = f"{_EC} UKPGE RO guidance, nomination form subscriber requirements (read)"
_EC_LOCAL_SUBSCRIBERS = f"{_EC} local elections (England) RO guidance, nomination form subscriber requirements (read)"

SUBSCRIBER_RULES: tuple[SubscriberRule, ...] = (
    SubscriberRule("ukpge", UK, None, 10, _EPOCH, None, f"RPA 1983 Sch 1 r.7; {_EC_UKP_SUBSCRIBERS}"),
    SubscriberRule(
        "ukp-by", UK, None, 10, _EPOCH, None, f"RPA 1983 Sch 1 r.7; {_EC} UKP by-election candidate guidance (read)"
    ),
    *(
        SubscriberRule(
            kind,
            ENG,
            None,
            10,
            _EPOCH,
            _LOCAL_TWO_SUBSCRIBERS_FROM - dt.timedelta(days=1),
            "LEPAR 2006 (SI 2006/3304) Sch 2 r.4 as before SI 2022/1029; elections.md §3.2",
            unconfirmed="count before 4 May 2023 and the rule number are from elections.md",
        )
        for kind in ("local", "local-by")
    ),
    *(
        SubscriberRule(
            kind,
            ENG,
            None,
            2,
            _LOCAL_TWO_SUBSCRIBERS_FROM,
            None,
            f"LEPAR 2006 as amended by SI 2022/1029; {_EC_LOCAL_SUBSCRIBERS}",
            unconfirmed="commencement date (polls after 3 May 2023) from elections.md",
        )
        for kind in ("local", "local-by")
    ),
    SubscriberRule("parish", ENG, None, 2, _EPOCH, None, f"LEPCR 2006 (SI 2006/3305); {_EC_LOCAL_SUBSCRIBERS}"),
    *(
        SubscriberRule(
            kind,
            WLS,
            None,
            0,
            _WALES_2021_RULES_FROM,
            None,
            "Local Elections (Principal Areas) (Wales) Rules 2021 (WSI 2021/1459): self-nomination, witnessed",
            unconfirmed="self-nomination read in WSI 2021/1460 Sch 2 r.5 (communities); WSI 2021/1459 by analogy",
        )
        for kind in ("local", "local-by")
    ),
    SubscriberRule(
        "parish",
        WLS,
        None,
        0,
        _WALES_2021_RULES_FROM,
        None,
        "Local Elections (Communities) (Wales) Rules 2021 (WSI 2021/1460) Sch 2 r.5: the candidate nominates "
        "themself, a witness attests (read)",
    ),
    SubscriberRule(
        "mayor-local",
        ENG,
        None,
        30,
        _EPOCH,
        None,
        f"LAMER 2007 (SI 2007/1024); {_EC_LOCAL_SUBSCRIBERS} (30 electors of the authority)",
    ),
    SubscriberRule(
        "mayor-ca",
        ENG,
        None,
        100,
        _EPOCH,
        None,
        "CAMO 2017 (SI 2017/67) Sch 1 r.8; explanatory note: at least 100, at least 10 from each constituent council",
        per_council=10,
        unconfirmed="10 x councils where more than 10 councils (elections.md §3.2)",
    ),
    SubscriberRule(
        "pcc",
        ENG_WLS,
        None,
        100,
        _EPOCH,
        None,
        "PCCEO 2012 (SI 2012/1917) Sch 3; EC PCC candidate guidance (elections.md §3.2)",
        unconfirmed="not read for this module",
    ),
    SubscriberRule(
        "gla",
        ENG,
        "mayor",
        330,
        _EPOCH,
        None,
        "GLA Elections Rules 2007 (SI 2007/3541); EC GLA guidance: 10 per borough and 10 from the City (elections.md)",
        unconfirmed="not read for this module",
    ),
    *(
        SubscriberRule(
            "scottish-parliament",
            SCT,
            contest,
            0,
            _EPOCH,
            None,
            "Scottish Parliament (Elections etc.) Order 1999 Sch 2 r.4(2)-5(2): signed by the candidate and a witness; "
            "EC Scottish Parliament RO guidance: 'not witnessed as required' (read)",
            unconfirmed="that SSI 2015/425 keeps the 1999 rule",
        )
        for contest in ("constituency", "regional-individual", "regional-list")
    ),
)

_GLA_RULES = "GLA Elections Rules 2007 (SI 2007/3541)"

DEPOSIT_RULES: tuple[DepositRule, ...] = (
    *(
        DepositRule(
            kind,
            UK,
            None,
            50_000,
            Fraction(1, 20),
            _EPOCH,
            None,
            "RPA 1983 Sch 1 r.9(1) (£500) and r.53(4) (more than one-twentieth of the votes) (read)",
        )
        for kind in ("ukpge", "ukp-by")
    ),
    *(
        DepositRule(
            kind,
            ENG_WLS,
            None,
            None,
            None,
            _EPOCH,
            None,
            "LEPAR 2006 / LEPCR 2006 and the Welsh 2021 Rules make no provision for a deposit (elections.md §3.4)",
            unconfirmed="absence of a deposit not confirmed by citation",
        )
        for kind in ("local", "local-by", "parish")
    ),
    DepositRule(
        "mayor-local",
        ENG,
        None,
        50_000,
        Fraction(1, 20),
        _EPOCH,
        None,
        "LAMER 2007 (SI 2007/1024) (elections.md §3.4)",
        unconfirmed="£500 and the 5% threshold from elections.md (2002 rules); 2007 figure not read",
    ),
    DepositRule(
        "mayor-ca",
        ENG,
        None,
        500_000,
        Fraction(1, 20),
        _EPOCH,
        None,
        "CAMO 2017 (SI 2017/67) explanatory note: a deposit of £5000 (read); 5% threshold from elections.md",
        unconfirmed="the 5% threshold",
    ),
    DepositRule(
        "pcc",
        ENG_WLS,
        None,
        500_000,
        Fraction(1, 20),
        _EPOCH,
        None,
        "PCCEO 2012 (SI 2012/1917); EC PCC candidate guidance (elections.md §3.4)",
        unconfirmed="not read for this module",
    ),
    DepositRule(
        "gla",
        ENG,
        "mayor",
        1_000_000,
        Fraction(1, 20),
        _EPOCH,
        None,
        f"{_GLA_RULES}; EC GLA candidate guidance, Mayor of London deposit: £10,000, more than 5% (read)",
    ),
    DepositRule(
        "gla",
        ENG,
        "london-wide",
        500_000,
        Fraction(1, 40),
        _EPOCH,
        None,
        f"{_GLA_RULES} Sch 6 r.58; EC GLA guidance: £5,000 per list or individual candidate, more than 2.5% (read)",
    ),
    DepositRule(
        "gla",
        ENG,
        "constituency",
        100_000,
        Fraction(1, 20),
        _EPOCH,
        None,
        f"{_GLA_RULES} Sch 5 r.55",
        unconfirmed="£1,000 and 5% are background knowledge, not read",
    ),
    DepositRule(
        "scottish-parliament",
        SCT,
        "constituency",
        50_000,
        Fraction(1, 20),
        _EPOCH,
        None,
        "SSI 2015/425 Sch 2; EC Scottish Parliament RO guidance, forms for nomination: £500 (read); 5%: BBC 2011",
    ),
    *(
        DepositRule(
            "scottish-parliament",
            SCT,
            contest,
            50_000,
            Fraction(1, 20),
            _EPOCH,
            None,
            "SSI 2015/425 Sch 2; EC Scottish Parliament RO guidance, forms for nomination: £500 (read)",
            unconfirmed="the regional return threshold (5% of the regional votes assumed)",
        )
        for contest in ("regional-individual", "regional-list")
    ),
)


def _nation(nation: Nation | str) -> Nation:
    try:
        return Nation(nation)
    except ValueError:
        raise ValueError(f"unknown nation {nation!r}: choose one of {', '.join(n.value for n in Nation)}") from None


def _contest(election_type: str, contest: str | None) -> str | None:
    if election_type not in ELECTION_TYPES:
        raise ValueError(f"unknown election type {election_type!r}: choose one of {', '.join(ELECTION_TYPES)}")
    allowed = CONTESTS.get(election_type)
    if allowed is None:
        if contest is not None:
            raise ValueError(f"a {election_type} election has only one contest")
        return None
    chosen = contest or DEFAULT_CONTEST[election_type]
    if chosen not in allowed:
        raise ValueError(f"unknown {election_type} contest {chosen!r}: choose one of {', '.join(allowed)}")
    return chosen


def _find[R: (SubscriberRule, DepositRule)](
    rules: Iterable[R], what: str, election_type: str, nation: Nation, contest: str | None, on: dt.date
) -> R:
    matches = [r for r in rules if r.election_type == election_type and nation in r.nations and r.contest == contest]
    label = election_type + (f" ({contest})" if contest else "")
    if not matches:
        raise NoRuleError(f"no {what} rule is recorded for a {label} election in {nation.value}")
    in_force = [r for r in matches if r.in_force(on)]
    if len(in_force) != 1:
        raise NoRuleError(
            f"{len(in_force)} {what} rules are recorded for a {label} election in {nation.value} on {on.isoformat()}"
        )
    return in_force[0]


def subscriber_rule(
    election_type: str, nation: Nation | str, on: dt.date, *, contest: str | None = None
) -> SubscriberRule:
    return _find(SUBSCRIBER_RULES, "subscriber", election_type, _nation(nation), _contest(election_type, contest), on)


def subscribers_required(
    election_type: str,
    nation: Nation | str,
    on: dt.date,
    *,
    contest: str | None = None,
    constituent_councils: int | None = None,
) -> int:
    """Subscribers each nomination paper needs at a poll on ``on`` (0: the candidate self-nominates).

    Combined authority mayors: at least 100 and at least 10 from each constituent council, so
    with more than 10 councils, 10 × councils (pass ``constituent_councils``). Raises
    ``NoRuleError`` where nothing is recorded (Senedd, Scottish councils, Northern Ireland).
    See the module docstring for sources.
    """
    rule = subscriber_rule(election_type, nation, on, contest=contest)
    if rule.per_council and constituent_councils is not None:
        if constituent_councils < 1:
            raise ValueError("a combined authority has at least one constituent council")
        return max(rule.count, rule.per_council * constituent_councils)
    return rule.count


def deposit_rule(election_type: str, nation: Nation | str, on: dt.date, *, contest: str | None = None) -> DepositRule:
    return _find(DEPOSIT_RULES, "deposit", election_type, _nation(nation), _contest(election_type, contest), on)


def deposit_pence(election_type: str, nation: Nation | str, on: dt.date, *, contest: str | None = None) -> int | None:
    """The deposit each candidate (or list) pays, in pence; None where the law asks for none.

    UK Parliament £500; Mayor of London £10,000; London-wide Assembly £5,000; combined
    authority mayor and PCC £5,000; local authority mayor £500; Scottish Parliament £500; local
    councils none. Raises ``NoRuleError`` where nothing is recorded. Sources: module docstring.
    """
    return deposit_rule(election_type, nation, on, contest=contest).pence


def deposit_returned(
    votes: int,
    valid_votes: int,
    election_type: str,
    *,
    nation: Nation | str = Nation.ENGLAND,
    on: dt.date | None = None,
    contest: str | None = None,
    elected: bool = False,
) -> bool:
    """Whether the deposit comes back: the candidate polled **more than** the threshold share.

    The threshold is one-twentieth (5%) of ``valid_votes`` — the total votes polled by all the
    candidates (or, London-wide, all parties and individual candidates) — and one-fortieth
    (2.5%) for the London-wide Assembly. Exactly 5% (or 2.5%) forfeits: RPA 1983 Sch 1 r.53(4)
    "not ... more than one-twentieth"; EC GLA guidance "less than, or equal to, 2.5% ... will
    lose their deposit". At UK Parliamentary elections an elected candidate keeps the deposit
    whatever the share (r.53(4) forfeits only a candidate "not elected" — limb **unconfirmed**);
    London-wide, the deposit is forfeited "whether or not they have been allocated a seat" (EC).
    Exact integer arithmetic, no floats. ``on`` defaults to today's records.
    """
    for name, value in (("votes", votes), ("valid_votes", valid_votes)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    if votes > valid_votes:
        raise ValueError(f"votes ({votes}) cannot exceed the valid votes ({valid_votes})")
    rule = deposit_rule(election_type, nation, on or dt.date.today(), contest=contest)
    if rule.pence is None or rule.returned_above is None:
        raise ValueError(f"there is no deposit at a {election_type} election")
    if elected and election_type in UK_PARLIAMENT:
        return True
    share = rule.returned_above
    return votes * share.denominator > share.numerator * valid_votes


# ---- descriptions and the statement of persons nominated ----------------------------------------

MAX_DESCRIPTION_WORDS = 6


def check_description(text: str) -> list[str]:
    """Problems with a candidate's description; an empty list when it may be used.

    A description may not exceed six words (RPA 1983 Sch 1 r.6(3); the Scottish Parliament
    Order 1999 Sch 2 r.4(4) "shall not exceed six words in length", read; elections.md §3.3).
    Words are counted as runs of characters between spaces; whether a hyphenated compound is
    one word is **unconfirmed** (counted as one). A blank description is allowed. Whether the
    words match the party's registered description is a separate check against the EC register.
    """
    words = text.split()
    problems: list[str] = []
    if len(words) > MAX_DESCRIPTION_WORDS:
        problems.append(f"A description may have at most {MAX_DESCRIPTION_WORDS} words; this one has {len(words)}")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text if ch not in " \t"):
        problems.append("A description may not contain control or invisible characters")
    return problems


def _filing_form(name: str) -> str:
    """Letters and digits only, accents removed, case folded: 'O'Brien-Smith' -> 'obriensmith'."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if ch.isalnum()).casefold()


def sopn_sort_key(surname: str, other_names: str) -> tuple[str, str, str, str]:
    """Sort key for the statement of persons nominated and the ballot paper.

    Persons nominated are listed alphabetically by surname, then other names (PCCEO 2012 Sch 3
    r.13 and the Welsh 2021 Rules r.13, via elections.md §3.5; ballot papers follow the
    statement, LEPAR 2006 Sch 2 r.16, RPA 1983 Sch 1 r.19(3) "the same as in the statement",
    read). How punctuation and accents file is **unconfirmed**: they are ignored, and case
    folded, with the names as written as a final tie-break so the order is total.
    """
    return (_filing_form(surname), _filing_form(other_names), surname, other_names)


# ---- subscribers -------------------------------------------------------------------------------


class SubscriberProblem(StrEnum):
    NOT_SIGNED = "not_signed"
    NOT_IN_REGISTER = "not_in_register"
    OUTSIDE_AREA = "outside_electoral_area"
    ANONYMOUS = "anonymous_elector"
    UNDER_AGE = "not_of_voting_age_by_polling_day"
    LIMIT_REACHED = "subscription_limit_reached"


SUBSCRIBER_PROBLEM_TEXT: dict[SubscriberProblem, str] = {
    SubscriberProblem.NOT_SIGNED: "The subscriber has not signed the nomination form",
    SubscriberProblem.NOT_IN_REGISTER: "Not in the register in force on the last day for publication of the notice "
    "of election",
    SubscriberProblem.OUTSIDE_AREA: "Not registered in the electoral area of this election",
    SubscriberProblem.ANONYMOUS: "Anonymous electors may not subscribe a nomination paper",
    SubscriberProblem.UNDER_AGE: "Shown as under voting age and will not reach it on or before polling day",
    SubscriberProblem.LIMIT_REACHED: "Has already subscribed as many nomination papers as the law allows",
}


@dataclass(frozen=True, slots=True)
class SubscriberFacts:
    """One subscriber as the register and the delivered papers show them.

    ``in_register``: in the register in force on the last day for publication of the notice
    of election (25 working days before a local poll). ``in_area``: registered in the ward,
    division, parish, constituency or authority of the election. ``papers_subscribed``: other
    papers at this election, already delivered, that this elector subscribed (delivered papers
    count even if later held invalid). ``council``: the constituent council (combined authority
    mayors only).
    """

    elector_number: str
    in_register: bool
    in_area: bool
    anonymous: bool
    date_of_birth: dt.date | None = None
    attainer_date: dt.date | None = None
    papers_subscribed: int = 0
    signed: bool = True
    council: str | None = None


def subscription_limit(election_type: str, vacancies: int = 1) -> int | None:
    """How many nomination papers one elector may subscribe at one election (None: no limit).

    UK Parliament: one (EC by-election guidance, read: "Each elector may only subscribe one
    nomination form"). Principal-area and parish elections: as many as there are vacancies
    (EC "number of forms that the subscriber may subscribe"; the exact rule is **unconfirmed**,
    elections.md §3.2). Local authority mayors: no limit (EC, read: "There is no restriction on
    the number of nominations that an elector can subscribe"). Other polls: one, **unconfirmed**.
    """
    if election_type not in ELECTION_TYPES:
        raise ValueError(f"unknown election type {election_type!r}: choose one of {', '.join(ELECTION_TYPES)}")
    if vacancies < 1:
        raise ValueError("an election fills at least one vacancy")
    if election_type in COUNCILS:
        return vacancies
    if election_type == "mayor-local":
        return None
    return 1


def _poll_type(election_type: str) -> PollType:
    """The franchise whose voting age applies (PCC: 18 in Wales too, see ``eligibility.AGE_POLL_TYPE``)."""
    if election_type in UK_PARLIAMENT or election_type == "pcc":
        return PollType.UK_PARLIAMENT
    if election_type in ("senedd", "scottish-parliament"):
        return PollType.DEVOLVED
    return PollType.LOCAL


def check_subscriber(
    subscriber: SubscriberFacts,
    election_type: str,
    nation: Nation | str,
    poll_date: dt.date,
    *,
    vacancies: int = 1,
) -> list[str]:
    """Reason codes (``SubscriberProblem`` values) why this subscriber does not count; empty when valid.

    Subscribers must be electors in the register in force for the area (EC subscriber
    requirements, read); anonymous electors may not subscribe (EC, read); a person shown as
    under 18 "can only subscribe a nomination form if they will be 18 years old on or before
    polling day" (EC, read) — the voting age of the poll (``franchise.voting_age``), so 16 at
    local and devolved polls in Scotland and Wales (an inference, **unconfirmed**); an elector
    may not subscribe more papers than ``subscription_limit`` allows. With only an attainer
    date, it is read as in ``ems_rules.eligibility`` (the day the local voting age is reached).
    Human wording: ``SUBSCRIBER_PROBLEM_TEXT``.
    """
    nation = _nation(nation)
    problems: list[str] = []
    if not subscriber.signed:
        problems.append(SubscriberProblem.NOT_SIGNED)
    if not subscriber.in_register:
        problems.append(SubscriberProblem.NOT_IN_REGISTER)
    if not subscriber.in_area:
        problems.append(SubscriberProblem.OUTSIDE_AREA)
    if subscriber.anonymous:
        problems.append(SubscriberProblem.ANONYMOUS)
    poll_type = _poll_type(election_type)
    age = voting_age(nation, poll_type, poll_date)
    if subscriber.date_of_birth is not None:
        if age_on(subscriber.date_of_birth, poll_date) < age:
            problems.append(SubscriberProblem.UNDER_AGE)
    elif subscriber.attainer_date is not None:
        extra_years = age - voting_age(nation, PollType.LOCAL, poll_date)
        if add_years(subscriber.attainer_date, extra_years) > poll_date:
            problems.append(SubscriberProblem.UNDER_AGE)
    limit = subscription_limit(election_type, vacancies)
    if limit is not None and subscriber.papers_subscribed >= limit:
        problems.append(SubscriberProblem.LIMIT_REACHED)
    return problems


@dataclass(frozen=True, slots=True)
class SubscriberCheck:
    """The outcome for one nomination paper's subscribers."""

    valid: bool
    required: int
    considered: int
    problems: dict[int, list[str]]  # position on the form (0-based) -> reason codes
    councils_short: tuple[str, ...] = ()  # constituent councils with too few valid subscribers


def check_subscribers(
    subscribers: Sequence[SubscriberFacts],
    election_type: str,
    nation: Nation | str,
    poll_date: dt.date,
    *,
    vacancies: int = 1,
    contest: str | None = None,
    constituent_councils: Sequence[str] | None = None,
) -> SubscriberCheck:
    """Check a paper's subscribers: only the first ``required`` are considered, and any one of
    them invalid makes the paper invalid "irrespective of whether more subscribers" were added
    (EC UKPGE and local subscriber requirements, read). Combined authority mayors: pass the
    constituent councils' names to check at least 10 valid subscribers from each.
    """
    count = len(constituent_councils) if constituent_councils is not None else None
    required = subscribers_required(election_type, nation, poll_date, contest=contest, constituent_councils=count)
    considered = subscribers[:required]
    problems: dict[int, list[str]] = {}
    for index, subscriber in enumerate(considered):
        found = check_subscriber(subscriber, election_type, nation, poll_date, vacancies=vacancies)
        if found:
            problems[index] = found
    short: tuple[str, ...] = ()
    if constituent_councils is not None:
        rule = subscriber_rule(election_type, nation, poll_date, contest=contest)
        per_council = Counter(s.council for i, s in enumerate(considered) if i not in problems)
        short = tuple(c for c in constituent_councils if per_council[c] < rule.per_council)
    valid = len(considered) == required and not problems and not short
    return SubscriberCheck(valid, required, len(considered), problems, short)
