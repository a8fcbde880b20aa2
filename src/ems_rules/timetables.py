"""Statutory election timetables: every deadline counted back from polling day.

Pure Python (no Django, no ``ems``). ``compute_timetable(type, nation, poll_date)`` returns each
deadline with its date, the time of day where the law sets one, and its citation. Where the law
leaves a date to the Returning Officer (RO), the result lists it under ``ro_chooses``, with the
window when the law gives one. Working days come from ``ems_rules.calendar`` (polling day is
day 0). The law is elections.md §2 and §14; each rule's source is in its citation string.

The rules are **data with validity dates** (``_Rule.valid_from`` / ``valid_to``), gathered into
one profile per election type and nation (``PROFILES``). When an amending instrument changes a
deadline, close the old record and add a new one.

Published timetables these reproduce (tests/rules/test_timetables.py cites each one):

- Local elections in England, 4 May 2023, 2 May 2024 and 7 May 2026 (EC; elections.md §2.3);
  parish (town council) elections, 7 May 2026 (BCP Council); local authority mayors, 4 May 2023
  (EC).
- UK Parliamentary general election, 4 July 2024 (EC; Comhairle nan Eilean Siar; EC Northern
  Ireland): 25 working days from dissolution.
- PCC, 2 May 2024 (EC media handbook; Gwynedd). Combined authority mayors, 2 May 2024 (West
  Midlands) and 1 May 2025 (chooseyourmayor.org). GLA, 2 May 2024 (London Elects).
- Senedd, 7 May 2026 (close of nominations 9 April, vote.wales).
- Scottish Parliament, 5 May 2016, 6 May 2021 and 7 May 2026 (EC; Comhairle nan Eilean Siar;
  East Dunbartonshire). Scottish councils, 5 May 2022, and by-elections on 8 October 2020
  and 8 December 2022 (EC; Dumfries and Galloway; Comhairle nan Eilean Siar).
- UK Parliamentary by-election, Uxbridge and South Ruislip, 20 July 2023 (BBC; Hillingdon).
- Northern Ireland councils, 18 May 2023 (EC). Neighbourhood planning referendum, 27 February
  2025 (Wiltshire Council).

Deadlines by election type (working days before the poll; time where the law sets one):

==========================  =====  ======  =====  =====  ====  =====  ===================
Type                        NoE    Nom.    SOPN   NoP    Reg.  Postal  Proxy / VAC
==========================  =====  ======  =====  =====  ====  =====  ===================
local, local-by, parish,    25     19 4pm  18 4pm  6     12    11 5pm  6 5pm
pcc, mayor-local, mayor-ca
gla                         30     24 4pm  22 4pm  6     12    11 5pm  6 5pm
ukpge                       22 4pm 19 4pm  19 5pm  =SOPN 12    11 5pm  6 5pm (NI: 14 5pm)
senedd                      25     19 4pm  18 4pm  =SOPN 12    11 5pm  6 5pm (no VAC)
scottish-parliament         35-28  23 4pm  22 4pm  =SOPN 12    11 5pm  6 5pm (no VAC)
local (SCT)                 35-28  23 4pm  23 *    23 *  12    11 5pm  6 5pm (no VAC)
local (NIR)                 25     16 1pm  16 6pm  -     12    14 5pm  14 5pm
np-referendum               25 **  -       -       6     12    11 5pm  6 5pm
==========================  =====  ======  =====  =====  ====  =====  ===================

``*`` "as soon as practicable after" the close of nominations. ``**`` notice of referendum; the
information statement is due at 28 working days.

Everywhere in GB: anonymous registration 6 working days; the final election notice of alteration
and the appointment of polling and counting agents 5; lost postal votes may be replaced from 4;
emergency proxies until 5pm on polling day; the poll closes at 10pm.

UK Parliamentary by-elections run from the writ, not from polling day. The RO fixes the last
day for nominations, which must be between the 3rd day after the notice of election and the
7th day after the writ is received. The poll then falls on the 17th to 19th day after it
(Erskine May 2.7, https://erskinemay.parliament.uk/section/4910/the-electoral-timetable-and-holding-of-elections/).
So, given a poll date, close of nominations, withdrawals, election agents and the statement of
persons nominated are RO choices. Their window is 19 to 17 working days before the poll
(statement: to 16). The notice of election falls 26 to 20 working days before the poll. That
window is **derived** here from those rules, not published. Local by-elections in England and
Wales: the poll is held within 35 working days after two electors give notice of the vacancy
(LGA 1972 s.89(1)(b) and s.243(3); elections.md §1). The earliest poll, 25 working days after
that notice (a notice of election published the same day), is **derived**. The rest of the
timetable is the ordinary local one.

**Unconfirmed** (not read in the primary text; checked only against published timetables or
guidance, or not at all): the rule and regulation numbers marked "[unconfirmed]" in the
citations; the Senedd notice of election (25) and withdrawal and agent deadlines (19, 4pm);
the GLA notice of poll (6); that a Scottish Parliament statement of persons nominated due "24
hours after the last time for delivery" moves to the next working day. Start dates of the
profiles: timetables are recorded for polls from 2015, the Scottish Parliament from 2016 (SSI
2015/425 in force 16 December 2015) and the Senedd from 2021. Voter ID (the VAC deadline) applies
to English local polls, PCC elections, UK Parliamentary by-elections and neighbourhood planning
referendums from 4 May 2023, and to UK general elections from 5 October 2023 (EC 2023 timetable;
Hillingdon Council). For PCC elections in Wales this rests only on DemocracyClub's
id_requirements.json (shared/data/reference-rules), so it is **unconfirmed**. Not modelled, because
no source was read: Northern Ireland emergency proxies, lost postal votes, anonymous
registration, the final notice of alteration and Electoral Identity Card deadlines; NI council
by-elections (normally filled by co-option); the exact window for Scottish council by-elections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from ems_rules.calendar import DEFAULT_OVERRIDES, CalendarOverride, ElectionCalendar, as_nation
from ems_rules.franchise import Nation


class ElectionType(StrEnum):
    UKPGE = "ukpge"
    UKP_BY = "ukp-by"
    LOCAL = "local"
    LOCAL_BY = "local-by"
    PARISH = "parish"
    PCC = "pcc"
    MAYOR_LOCAL = "mayor-local"
    MAYOR_CA = "mayor-ca"
    GLA = "gla"
    SENEDD = "senedd"
    SCOTTISH_PARLIAMENT = "scottish-parliament"
    NP_REFERENDUM = "np-referendum"


ELECTION_TYPE_NAMES: dict[ElectionType, str] = {
    ElectionType.UKPGE: "UK Parliamentary general election",
    ElectionType.UKP_BY: "UK Parliamentary by-election",
    ElectionType.LOCAL: "local government election",
    ElectionType.LOCAL_BY: "local government by-election",
    ElectionType.PARISH: "parish or community council election",
    ElectionType.PCC: "Police and Crime Commissioner election",
    ElectionType.MAYOR_LOCAL: "local authority mayoral election",
    ElectionType.MAYOR_CA: "combined authority mayoral election",
    ElectionType.GLA: "Mayor of London and London Assembly election",
    ElectionType.SENEDD: "Senedd election",
    ElectionType.SCOTTISH_PARLIAMENT: "Scottish Parliament election",
    ElectionType.NP_REFERENDUM: "neighbourhood planning referendum",
}


@dataclass(frozen=True)
class Deadline:
    """One deadline: the last ``day`` (and ``time``, where the law sets one) for ``key``."""

    key: str
    label: str
    day: dt.date
    time: dt.time | None
    citation: str

    def iso(self) -> str:
        """``YYYY-MM-DDTHH:MM`` where the law sets a time, else ``YYYY-MM-DD``."""
        return f"{self.day.isoformat()}T{self.time:%H:%M}" if self.time else self.day.isoformat()


@dataclass(frozen=True)
class RoChoice:
    """A date the law leaves to the Returning Officer, within ``earliest``..``latest`` where given."""

    key: str
    label: str
    earliest: dt.date | None
    latest: dt.date | None
    citation: str


@dataclass(frozen=True)
class Timetable:
    election_type: ElectionType
    nation: Nation
    poll_date: dt.date
    deadlines: dict[str, Deadline]
    ro_chooses: list[RoChoice]
    warnings: tuple[str, ...] = ()


class TimetableError(ValueError):
    """Unknown type or nation, an impossible combination, or a date outside the recorded law."""


# --- the rules as data ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    key: str
    label: str
    working_days: int
    time: dt.time | None
    citation: str
    register_calendar: bool = False  # count with the registration calendar (no Scottish Easter Monday)
    valid_from: dt.date | None = None  # first poll date the rule applies to
    valid_to: dt.date | None = None  # last poll date it applies to

    def applies(self, poll: dt.date) -> bool:
        return (self.valid_from is None or poll >= self.valid_from) and (self.valid_to is None or poll <= self.valid_to)


@dataclass(frozen=True, slots=True)
class _Window:
    key: str
    label: str
    earliest_wd: int | None  # working days before the poll (the larger number)
    latest_wd: int | None
    citation: str


@dataclass(frozen=True, slots=True)
class _Profile:
    general_election: bool
    easter_monday: bool  # the Scottish election rules skip Easter Monday
    valid_from: dt.date
    rules: tuple[_Rule, ...]
    windows: tuple[_Window, ...] = field(default=())
    vacancy_window: bool = False  # local by-election: poll within 35 wd of the electors' notice


T4PM, T5PM, T1PM, T6PM, T10PM = dt.time(16), dt.time(17), dt.time(13), dt.time(18), dt.time(22)
RECORDS_FROM = dt.date(2015, 1, 1)
VOTER_ID_ENGLAND_FROM = dt.date(2023, 5, 4)  # first English polls with voter ID (EC 2023 timetable)
# Voter ID at UK Parliamentary by-elections from 4 May 2023 (the July 2023 by-elections needed it), and at
# general elections from 5 October 2023: Hillingdon Council (https://www.hillingdon.gov.uk/voter-id) and
# https://harrowonline.org/2023/06/15/south-ruislip-and-uxbridge-to-hold-by-election-following-boris-johnsons-resignation/
VOTER_ID_UKP_BY_FROM = dt.date(2023, 5, 4)
VOTER_ID_UK_PARLIAMENT_FROM = dt.date(2023, 10, 5)

# Citations -----------------------------------------------------------------------------------
EC = "https://www.electoralcommission.org.uk"
LEPAR = (
    "Local Elections (Principal Areas) (England and Wales) Rules 2006 (SI 2006/3304) Sch 2 r.1 (Sch 3 r.1 "
    "combined), as amended by SI 2014/494 art 4 (https://legislation.gov.uk/uksi/2006/3304/schedule/3/part/1/made)"
)
LEPCR = (
    "Local Elections (Parishes and Communities) (England and Wales) Rules 2006 (SI 2006/3305) Sch 2 r.1, "
    "as amended by SI 2014/492 art 3 (https://www.legislation.gov.uk/uksi/2014/492/article/3/made)"
)
LAMER = (
    "Local Authorities (Mayoral Elections) (England and Wales) Regulations 2007 (SI 2007/1024) Sch 1 r.1 [unconfirmed]"
)
CAMO = (
    "Combined Authorities (Mayoral Elections) Order 2017 (SI 2017/67) Sch 1 r.1 [unconfirmed]; EC: the CARO "
    f"publishes the notice not later than 25 working days ({EC}/guidance-returning-officers-administering-local-"
    "government-elections-england/starting-election-timetable/notice-election)"
)
PCCEO = (
    "Police and Crime Commissioner Elections Order 2012 (SI 2012/1917) Sch 3 r.1 [unconfirmed]; EC media "
    f"handbook, PCC elections 2 May 2024 ({EC}/news-and-views/media-centre/police-and-crime-commissioner-police-"
    "fire-and-crime-commissioner-elections-england-and-wales-media)"
)
GLAR = (
    "Greater London Authority Elections Rules 2007 (SI 2007/3541) [rule numbers unconfirmed]; EC GLA guidance "
    f"({EC}/cy/node/29268); London Elects 2024 timetable (https://londonelects.org.uk/statutory-notices-and-"
    "elections-timetable)"
)
PER = (
    "RPA 1983 Sch 1 (Parliamentary Elections Rules) r.1 timetable, as amended by ERAA 2013 s.14 and the "
    "Dissolution and Calling of Parliament Act 2022; EC timetable for 4 July 2024 "
    "(https://www.markpack.org.uk/172881/general-election-timetable/)"
)
PER_BY = (
    "RPA 1983 Sch 1 r.1 (by-election): notice by 4pm on the 2nd day after the writ is received; nominations close "
    "on a day the RO fixes, not earlier than the 3rd day after the notice nor later than the 7th day after the writ; "
    "poll 17th-19th day after it (Erskine May 2.7, https://erskinemay.parliament.uk/section/4910/the-electoral-"
    "timetable-and-holding-of-elections/)"
)
SENEDD = (
    "Senedd election rules (National Assembly for Wales (Representation of the People) Order 2007 Sch 5 r.1 as "
    f"amended) [unconfirmed]; EC Senedd guidance: statement by 4pm, 18 working days ({EC}/guidance-candidates-and-"
    "agents-senedd-elections/nominations-individual-candidates/what-happens-after-close-nominations); vote.wales: "
    "nominations closed 9 April 2026"
)
SPO = (
    "Scottish Parliament (Elections etc.) Order 2015 (SSI 2015/425) Sch 2 r.1 "
    "(http://www.legislation.gov.uk/ssi/2015/425/schedule/2/part/1); EC timetables 2016 and 2021"
)
SLGEO = (
    "Scottish Local Government Elections Order 2011 (SSI 2011/399) Sch 1 r.1 [unconfirmed]; EC timetable 5 May 2022 "
    f"({EC}/media-centre/local-government-elections-scotland); https://dumgal.gov.uk/article/24339/Election-Timetable"
)
NI_LOCAL = (
    "Electoral Law Act (Northern Ireland) 1962 Sch 5 r.1(2) (https://legislation.gov.uk/apni/1962/14/schedule/5/"
    f"part/I/2010-12-16); EC timetable 18 May 2023 ({EC}/local-council-elections-northern-ireland)"
)
NPRR = (
    "Neighbourhood Planning (Referendums) Regulations 2012 (SI 2012/2031) reg 4 and Sch 1 [provisions unconfirmed]; "
    "Wiltshire Council timetable for 27 February 2025 (https://elections.wiltshire.gov.uk/Home/Election/281)"
)
REG = (
    "RPA 1983 s.13B [subsection unconfirmed]; EC 'Election notices of alteration': applications by midnight, 12 "
    f"working days before the poll ({EC}/running-electoral-registration-england/maintaining-register-throughout-"
    "year/election-notices-alteration)"
)
ANON = (
    "EC 'Election notices of alteration': anonymous registration applications up to 6 working days before the poll "
    f"(no 5-day objection period) ({EC}/running-electoral-registration-england/maintaining-register-throughout-"
    "year/election-notices-alteration); statutory provision [unconfirmed]"
)
FINAL_NOA = (
    "RPA 1983 s.13B [subsection unconfirmed]; EC 'Election notices of alteration': final notice on the fifth working "
    "day before the poll"
)
POSTAL = (
    "RPR 2001 (SI 2001/341) reg 56 (Scotland: SI 2001/497 reg 56 [unconfirmed]); EC 'Postal vote application "
    f"deadlines': 5pm, 11 working days ({EC}/running-electoral-registration-england/absent-voting/postal-voting/"
    "postal-vote-application-deadlines)"
)
POSTAL_SP_2021 = (
    "Scottish General Election (Coronavirus) Act 2021 (asp 5), postal voting arrangements for the 2021 election "
    "[section unconfirmed]: 5pm on Tuesday 6 April 2021 (East Lothian and Ayrshire VJB timetables)"
)
PROXY = "RPR 2001 reg 56 [paragraph unconfirmed]; EC: new proxy applications by 5pm, 6 working days before the poll"
VAC = (
    "Voter Identification Regulations 2022 (SI 2022/1382) [provision unconfirmed]; EC 'Deadlines for applications "
    f"for Voter Authority Certificates or Anonymous Elector's Documents': 5pm, 6 working days ({EC}/cy/node/25670)"
)
AGENTS_PC = (
    "Notice of appointment not later than the 5th working day before the poll: PER r.30 / LEPAR 2006 Sch 2 r.21 "
    "[rule numbers unconfirmed]; EC-based timetables, e.g. BCP Council 2026 (29 April for 7 May 2026)"
)
LOST_POSTAL = (
    "RPR 2001 reg 78 [paragraph unconfirmed]; EC: lost or not received postal votes may be replaced from the 4th "
    f"working day before the poll ({EC}/guidance-returning-officers-administering-local-government-elections-"
    "england/absent-voting/issuing-and-distributing-postal-votes/re-issuing-postal-ballot-packs/procedure-re-"
    "issuing-lost/not-received-postal-votes)"
)
EMERGENCY = (
    f"RPR 2001 reg 56 [paragraph unconfirmed]; EC emergency proxies: until 5pm on polling day ({EC}/cy/node/25349)"
)
NI_ABSENT = (
    "Representation of the People (Northern Ireland) Regulations 2008 (SI 2008/1741) reg 56 [unconfirmed]; "
    "postal and proxy applications by 5pm, 14 working days (EC NI: 5pm Friday 14 June 2024 for 4 July 2024)"
)
ELECTION_AGENT = "RPA 1983 s.67 (as applied): by the last time for delivery of notices of withdrawal"


# Rule builders --------------------------------------------------------------------------------


def _candidate_rules(
    rules: str,
    *,
    notice: int,
    nominations: int,
    sopn: int,
    notice_of_poll: int | None,
    sopn_time: dt.time | None = T4PM,
    election_agents: bool = True,
) -> tuple[_Rule, ...]:
    out = [
        _Rule("notice_of_election", "Last day to publish the notice of election", notice, None, rules),
        _Rule("close_of_nominations", "Close of nominations", nominations, T4PM, rules),
        _Rule("withdrawal_of_candidature", "Last time for withdrawals of candidature", nominations, T4PM, rules),
    ]
    if election_agents:
        out.append(
            _Rule(
                "appointment_of_election_agents",
                "Last time to notify the appointment of election agents",
                nominations,
                T4PM,
                f"{rules}; {ELECTION_AGENT}",
            )
        )
    out.append(_Rule("sopn_publication", "Publication of the statement of persons nominated", sopn, sopn_time, rules))
    if notice_of_poll is not None:
        out.append(_Rule("notice_of_poll", "Last day to publish the notice of poll", notice_of_poll, None, rules))
    return tuple(out)


def _gb_register_rules(*, voter_id_from: dt.date | None, scottish: bool = False) -> tuple[_Rule, ...]:
    """Registration and absent voting in Great Britain (RPR 2001 and the Scottish equivalent)."""
    s = scottish
    rules = [
        _Rule("registration", "Registration deadline (applications by midnight)", 12, None, REG, s),
        _Rule("anonymous_registration", "Anonymous registration applications", 6, None, ANON, s),
        _Rule("postal_vote_application", "New postal and postal proxy applications, and changes", 11, T5PM, POSTAL, s),
        _Rule("proxy_application", "New proxy applications (not postal proxy or emergency)", 6, T5PM, PROXY, s),
    ]
    if voter_id_from is not None:
        rules.append(
            _Rule(
                "vac_application",
                "Voter Authority Certificate and Anonymous Elector's Document applications",
                6,
                T5PM,
                VAC,
                s,
                valid_from=voter_id_from,
            )
        )
    rules += [
        _Rule(
            "final_notice_of_alteration",
            "Publication of the final election notice of alteration",
            5,
            None,
            FINAL_NOA,
            s,
        ),
        _Rule(
            "replacement_lost_postal_from",
            "First day lost or not received postal votes may be replaced",
            4,
            None,
            LOST_POSTAL,
            s,
        ),
        _Rule("emergency_proxy", "Emergency proxy applications", 0, T5PM, EMERGENCY, s),
    ]
    return tuple(rules)


def _ni_register_rules() -> tuple[_Rule, ...]:
    return (
        _Rule("registration", "Registration deadline (applications by midnight)", 12, None, REG),
        _Rule("postal_vote_application", "Postal vote applications", 14, T5PM, NI_ABSENT),
        _Rule("proxy_application", "Proxy vote applications", 14, T5PM, NI_ABSENT),
    )


def _poll_rules(rules: str, *, agents: bool = True) -> tuple[_Rule, ...]:
    out = []
    if agents:
        out.append(
            _Rule(
                "appointment_of_polling_and_counting_agents",
                "Last day to notify the appointment of polling and counting agents",
                5,
                None,
                AGENTS_PC,
            )
        )
    out.append(_Rule("close_of_poll", "Close of poll (polling 7am to 10pm)", 0, T10PM, rules))
    return tuple(out)


def _profile(
    *rules: tuple[_Rule, ...],
    general_election: bool = False,
    easter_monday: bool = False,
    valid_from: dt.date = RECORDS_FROM,
    windows: tuple[_Window, ...] = (),
    vacancy_window: bool = False,
) -> _Profile:
    return _Profile(
        general_election, easter_monday, valid_from, tuple(r for group in rules for r in group), windows, vacancy_window
    )


E, W, S, N = Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND

_LOCAL_EW = _candidate_rules(LEPAR, notice=25, nominations=19, sopn=18, notice_of_poll=6)


def _local_ew(nation: Nation, *, vacancy_window: bool = False) -> _Profile:
    return _profile(
        _LOCAL_EW,
        _gb_register_rules(voter_id_from=VOTER_ID_ENGLAND_FROM if nation is E else None),
        _poll_rules(LEPAR),
        vacancy_window=vacancy_window,
    )


_SCOT_NOTICE_WINDOW = "Publication of the notice of election (not earlier than 35 nor later than 28 working days)"


def _local_scotland(*, vacancy_window: bool = False) -> _Profile:
    rules = (
        _Rule("notice_of_election", "Last day to publish the notice of election", 28, None, SLGEO),
        _Rule("close_of_nominations", "Close of nominations", 23, T4PM, SLGEO),
        _Rule("withdrawal_of_candidature", "Last time for withdrawals of candidature", 23, T4PM, SLGEO),
        _Rule("appointment_of_election_agents", "Last time to notify election agents", 23, T4PM, SLGEO),
        _Rule(
            "sopn_publication",
            "Statement of persons nominated (as soon as practicable after 4pm on this day)",
            23,
            None,
            SLGEO,
        ),
        _Rule("notice_of_poll", "Notice of poll (as soon as practicable after 4pm on this day)", 23, None, SLGEO),
    )
    return _profile(
        rules,
        _gb_register_rules(voter_id_from=None, scottish=True),
        _poll_rules(SLGEO),
        easter_monday=True,
        windows=(_Window("notice_of_election", _SCOT_NOTICE_WINDOW, 35, 28, SLGEO),),
        vacancy_window=vacancy_window,
    )


_UKP_BY_WINDOWS = (
    _Window("notice_of_election", "Publication of the notice of election (by 4pm; derived window)", 26, 20, PER_BY),
    _Window("close_of_nominations", "Close of nominations (4pm on the day the RO fixes)", 19, 17, PER_BY),
    _Window("withdrawal_of_candidature", "Withdrawals (by the close of nominations)", 19, 17, PER_BY),
    _Window("appointment_of_election_agents", "Election agents (by the close of nominations)", 19, 17, PER_BY),
    _Window("sopn_publication", "Statement of persons nominated, with notice of poll", 19, 16, PER_BY),
    _Window("notice_of_poll", "Notice of poll (published with the statement)", 19, 16, PER_BY),
)


_UKPGE_CANDIDATES = (
    _Rule("dissolution", "Dissolution of Parliament (polling day is the 25th working day after)", 25, None, PER),
    _Rule("receipt_of_writ", "Receipt of writ (taken as the day after dissolution)", 24, None, PER),
    _Rule("notice_of_election", "Last time to publish the notice of election", 22, T4PM, PER),
    _Rule("close_of_nominations", "Close of nominations (6th working day after dissolution)", 19, T4PM, PER),
    _Rule("withdrawal_of_candidature", "Last time for withdrawals of candidature", 19, T4PM, PER),
    _Rule(
        "appointment_of_election_agents", "Last time to notify election agents", 19, T4PM, f"{PER}; {ELECTION_AGENT}"
    ),
    _Rule(
        "sopn_publication",
        "Statement of persons nominated (5pm; if objections are made, by 4pm the next working day)",
        19,
        T5PM,
        PER,
    ),
    _Rule("notice_of_poll", "Notice of poll and situation of polling stations (with the statement)", 19, T5PM, PER),
)


def _ukp_by_profile(nation: Nation) -> _Profile:
    register = _ni_register_rules() if nation is N else _gb_register_rules(voter_id_from=VOTER_ID_UKP_BY_FROM)
    return _profile(register, _poll_rules(PER), windows=_UKP_BY_WINDOWS)


def _ukpge(nation: Nation) -> _Profile:
    register = _ni_register_rules() if nation is N else _gb_register_rules(voter_id_from=VOTER_ID_UK_PARLIAMENT_FROM)
    return _profile(_UKPGE_CANDIDATES, register, _poll_rules(PER), general_election=True)


def _english_and_welsh(rules: str, *, voter_id: bool, agents: bool = True, notice: int = 25) -> _Profile:
    candidates = _candidate_rules(
        rules, notice=notice, nominations=19, sopn=18, notice_of_poll=6, election_agents=agents
    )
    return _profile(
        candidates,
        _gb_register_rules(voter_id_from=VOTER_ID_ENGLAND_FROM if voter_id else None),
        _poll_rules(rules),
    )


def _parish(nation: Nation) -> _Profile:
    request = _Rule(
        "parish_poll_card_request",
        "Last time for the parish council to ask for poll cards",
        19,
        T4PM,
        f"{EC}/guidance-returning-officers-administering-local-government-elections-england/starting-election-"
        "timetable/poll-card-delivery",
    )
    base = _english_and_welsh(LEPCR, voter_id=nation is E, agents=False)
    return _Profile(False, False, RECORDS_FROM, (*base.rules, request) if nation is E else base.rules)


def _gla() -> _Profile:
    candidates = _candidate_rules(GLAR, notice=30, nominations=24, sopn=22, notice_of_poll=6)
    return _profile(candidates, _gb_register_rules(voter_id_from=VOTER_ID_ENGLAND_FROM), _poll_rules(GLAR))


def _senedd() -> _Profile:
    candidates = _candidate_rules(SENEDD, notice=25, nominations=19, sopn=18, notice_of_poll=18)
    return _profile(
        candidates, _gb_register_rules(voter_id_from=None), _poll_rules(SENEDD), valid_from=dt.date(2021, 1, 1)
    )


def _scottish_parliament() -> _Profile:
    candidates = (
        _Rule("notice_of_election", "Last day to publish the notice of election", 28, None, SPO),
        _Rule("close_of_nominations", "Close of nominations", 23, T4PM, SPO),
        _Rule("withdrawal_of_candidature", "Last time for withdrawals of candidature", 23, T4PM, SPO),
        _Rule(
            "appointment_of_election_agents",
            "Last time to notify election agents",
            23,
            T4PM,
            f"{SPO}; {ELECTION_AGENT}",
        ),
        _Rule(
            "sopn_publication",
            "Statement of persons nominated (at the close of objections; at the latest 24 hours after the close)",
            22,
            T4PM,
            SPO,
        ),
        _Rule("notice_of_poll", "Notice of poll and situation of polling stations (with the statement)", 22, T4PM, SPO),
    )
    special_2021 = _Rule(
        "postal_vote_application",
        "New postal and postal proxy applications, and changes (2021 arrangements)",
        21,
        T5PM,
        POSTAL_SP_2021,
        True,
        valid_from=dt.date(2021, 5, 6),
        valid_to=dt.date(2021, 5, 6),
    )
    return _profile(
        candidates,
        _gb_register_rules(voter_id_from=None, scottish=True),
        (special_2021,),
        _poll_rules(SPO),
        easter_monday=True,
        valid_from=dt.date(2016, 1, 1),
        windows=(_Window("notice_of_election", _SCOT_NOTICE_WINDOW, 35, 28, SPO),),
    )


def _ni_local() -> _Profile:
    candidates = (
        _Rule("notice_of_election", "Last day to publish the notice of election", 25, None, NI_LOCAL),
        _Rule("close_of_nominations", "Close of nominations", 16, T1PM, NI_LOCAL),
        _Rule("withdrawal_of_candidature", "Last time for withdrawals of candidature", 16, T1PM, NI_LOCAL),
        _Rule(
            "sopn_publication",
            "Statement of persons nominated (6pm if no objections; else within 24 hours of the close)",
            16,
            T6PM,
            NI_LOCAL,
        ),
    )
    return _profile(candidates, _ni_register_rules(), _poll_rules(NI_LOCAL, agents=False))


def _np_referendum() -> _Profile:
    rules = (
        _Rule("information_statement", "Last day to publish the information statement and documents", 28, None, NPRR),
        _Rule("notice_of_election", "Last day to publish the notice of referendum", 25, None, NPRR),
        _Rule("notice_of_poll", "Last day to publish the notice of poll", 6, None, NPRR),
    )
    return _profile(rules, _gb_register_rules(voter_id_from=VOTER_ID_ENGLAND_FROM), _poll_rules(NPRR))


T = ElectionType
PROFILES: dict[tuple[ElectionType, Nation], _Profile] = {
    **{(T.UKPGE, n): _ukpge(n) for n in Nation},
    **{(T.UKP_BY, n): _ukp_by_profile(n) for n in Nation},
    (T.LOCAL, E): _local_ew(E),
    (T.LOCAL, W): _local_ew(W),
    (T.LOCAL, S): _local_scotland(),
    (T.LOCAL, N): _ni_local(),
    (T.LOCAL_BY, E): _local_ew(E, vacancy_window=True),
    (T.LOCAL_BY, W): _local_ew(W, vacancy_window=True),
    (T.LOCAL_BY, S): _local_scotland(vacancy_window=True),
    (T.PARISH, E): _parish(E),
    (T.PARISH, W): _parish(W),
    (T.PCC, E): _english_and_welsh(PCCEO, voter_id=True),
    (T.PCC, W): _english_and_welsh(PCCEO, voter_id=True),
    (T.MAYOR_LOCAL, E): _english_and_welsh(LAMER, voter_id=True),
    (T.MAYOR_CA, E): _english_and_welsh(CAMO, voter_id=True),
    (T.GLA, E): _gla(),
    (T.SENEDD, W): _senedd(),
    (T.SCOTTISH_PARLIAMENT, S): _scottish_parliament(),
    (T.NP_REFERENDUM, E): _np_referendum(),
}

# Why a combination has no profile (one clear line each).
_NOT_AVAILABLE: dict[ElectionType, str] = {
    T.LOCAL_BY: "local-by in NIR is not modelled: casual vacancies on Northern Ireland councils are normally "
    "filled by co-option",
    T.PARISH: "parish elections are held only in ENG (parishes) and WLS (communities)",
    T.PCC: "Police and Crime Commissioners are elected only in ENG and WLS",
    T.MAYOR_LOCAL: "local authority mayoral elections are modelled for ENG only",
    T.MAYOR_CA: "combined authority mayors are elected only in ENG",
    T.GLA: "the Greater London Authority is in ENG",
    T.SENEDD: "Senedd elections are held only in WLS",
    T.SCOTTISH_PARLIAMENT: "Scottish Parliament elections are held only in SCT",
    T.NP_REFERENDUM: "neighbourhood planning referendums are held only in ENG",
}

VACANCY_CITATION = (
    "LGA 1972 s.89(1)(b) and s.243(3): poll within 35 working days after two local government electors give "
    f"notice of the vacancy ({EC}/guidance-returning-officers-administering-local-government-elections-england/"
    "casual-vacancies-and-elections/requests-hold-a-election)"
)
VACANCY_CITATION_SCOTLAND = (
    "Local Government (Scotland) Act 1973 s.37 [unconfirmed]: the RO fixes the day of the by-election"
)


def parse_election_type(value: ElectionType | str) -> ElectionType:
    try:
        return ElectionType(value)
    except ValueError:
        raise TimetableError(
            f"unknown election type {value!r}: choose one of {', '.join(t.value for t in ElectionType)}"
        ) from None


def parse_nation(value: Nation | str) -> Nation:
    try:
        return as_nation(value)
    except ValueError:
        raise TimetableError(f"unknown nation {value!r}: choose one of {', '.join(n.value for n in Nation)}") from None


def _profile_for(election_type: ElectionType, nation: Nation) -> _Profile:
    profile = PROFILES.get((election_type, nation))
    if profile is None:
        reason = _NOT_AVAILABLE.get(election_type, "not available")
        raise TimetableError(f"no {election_type.value} timetable for {nation.value}: {reason}")
    return profile


def timetable_calendar(
    election_type: ElectionType | str,
    nation: Nation | str,
    *,
    overrides: tuple[CalendarOverride, ...] = DEFAULT_OVERRIDES,
) -> ElectionCalendar:
    """The calendar the election rules of this poll count working days in (for validating RO choices)."""
    kind, where = parse_election_type(election_type), parse_nation(nation)
    profile = _profile_for(kind, where)
    return ElectionCalendar(where, profile.general_election, profile.easter_monday, tuple(overrides))


def compute_timetable(
    election_type: ElectionType | str,
    nation: Nation | str,
    poll_date: dt.date,
    *,
    overrides: tuple[CalendarOverride, ...] = DEFAULT_OVERRIDES,
    vacancy_notice_date: dt.date | None = None,
) -> Timetable:
    """Every statutory deadline for a poll of ``election_type`` in ``nation`` on ``poll_date``.

    Deadlines are sorted by date and time. A deadline that does not apply to this poll is left
    out; so is one the law does not fix for this nation (see the module docstring). Dates the RO
    fixes are in ``ro_chooses``. For a local by-election, ``vacancy_notice_date`` (the day two
    electors gave notice of the vacancy) gives the latest poll date (35 working days). A poll
    date that is a dies non, or not a Thursday, is allowed but flagged in ``warnings``.
    ``TimetableError`` (one line): an unknown type or nation, a combination that does not exist,
    or a poll date before the recorded law.
    """
    kind, where = parse_election_type(election_type), parse_nation(nation)
    profile = _profile_for(kind, where)
    if poll_date < profile.valid_from:
        raise TimetableError(f"no {kind.value} timetable is recorded for polls before {profile.valid_from.isoformat()}")
    overrides = tuple(overrides)
    timetable_cal = ElectionCalendar(where, profile.general_election, profile.easter_monday, overrides)
    register_cal = ElectionCalendar(where, profile.general_election, False, overrides)

    chosen: dict[str, _Rule] = {}
    for rule in profile.rules:
        if rule.applies(poll_date):
            chosen[rule.key] = rule  # a later record for the same key replaces an earlier one
    deadlines = [
        Deadline(
            rule.key,
            rule.label,
            (register_cal if rule.register_calendar else timetable_cal).working_days_before(
                poll_date, rule.working_days
            ),
            rule.time,
            rule.citation,
        )
        for rule in chosen.values()
    ]
    deadlines.sort(key=lambda d: (d.day, d.time or dt.time.max))

    choices = [
        RoChoice(
            w.key,
            w.label,
            None if w.earliest_wd is None else timetable_cal.working_days_before(poll_date, w.earliest_wd),
            None if w.latest_wd is None else timetable_cal.working_days_before(poll_date, w.latest_wd),
            w.citation,
        )
        for w in profile.windows
    ]
    if profile.vacancy_window:
        if where is S:
            choices.append(
                RoChoice("poll_date", "Day of the by-election (fixed by the RO)", None, None, VACANCY_CITATION_SCOTLAND)
            )
        else:
            earliest = latest = None
            if vacancy_notice_date is not None:
                # Earliest: a notice of election published on the day of the electors' notice, 25 wd before.
                earliest = timetable_cal.working_days_after(vacancy_notice_date, 25)
                latest = timetable_cal.working_days_after(vacancy_notice_date, 35)
            choices.append(
                RoChoice("poll_date", "Day of the by-election (fixed by the RO)", earliest, latest, VACANCY_CITATION)
            )

    warnings: list[str] = []
    reason = timetable_cal.reason(poll_date)
    if reason is not None:
        warnings.append(f"the poll date {poll_date.isoformat()} is a dies non ({reason})")
    if poll_date.weekday() != 3:
        warnings.append(f"the poll date {poll_date.isoformat()} is a {poll_date:%A}; polls are normally on a Thursday")
    if profile.vacancy_window and vacancy_notice_date is not None and where is not S:
        latest = timetable_cal.working_days_after(vacancy_notice_date, 35)
        if poll_date > latest:
            warnings.append(
                f"the poll date is after {latest.isoformat()}, 35 working days after the notice of the vacancy"
            )
    return Timetable(kind, where, poll_date, {d.key: d for d in deadlines}, choices, tuple(warnings))
