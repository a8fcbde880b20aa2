"""Franchise ages and attainers: who may register, who may vote, and who is an attainer.

Pure Python (no Django, no ``ems``): callers pass plain values and store the result.

The ages are **data with validity dates** (``AGE_RULES``), not constants in code, because the
law is changing: the Representation of the People Bill (2026) proposes votes at 16 across the
UK and attainer applications from 14 in England (domain spec ``registration.md`` §1.6, §13,
sources [S144][S145]). When it is enacted, close the current records with ``valid_to`` and add
new ones; nothing else here should need to change.

Domain references are to ``/work/shared/domain/registration.md`` (the project's registration
spec); its source tags ([S19] etc.) are listed in its §14. Statutory references marked
**unconfirmed** are background knowledge not found in the sources searched; verify them on
legislation.gov.uk before relying on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Nation(StrEnum):
    """The four UK nations, with the same codes as ``ems.core.models.Nation``."""

    ENGLAND = "ENG"
    WALES = "WLS"
    SCOTLAND = "SCT"
    NORTHERN_IRELAND = "NIR"


class PollType(StrEnum):
    """The franchises the register serves (markers in §1.3 say who may vote at which)."""

    UK_PARLIAMENT = "uk_parliament"
    LOCAL = "local"  # local government, and PCC/mayoral polls run on the local franchise
    DEVOLVED = "devolved"  # Scottish Parliament, Senedd Cymru, NI Assembly


@dataclass(frozen=True, slots=True)
class AgeRule:
    """One age threshold, in force from ``valid_from`` to ``valid_to`` inclusive (None = open)."""

    nation: Nation
    poll_type: PollType | None  # None: applies to registration, not to one poll type
    age: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


_EPOCH = dt.date(1970, 1, 1)  # "long before any date the EMS handles"; not a statutory date

# Voting age by nation and poll type.
#
# - 18 for UK Parliamentary elections everywhere: RPA 1983 s.1 (registration.md §1.6 [S19]
#   "aged 18 or over on the relevant date"; §16 row 23).
# - England and Northern Ireland: 18 for every poll (registration.md §0, §1.6 [S19][S21]).
# - Scotland and Wales: 16 for local and devolved polls (registration.md §0 "voting age 16",
#   §1.6 [S1]). The enacting statutes and their commencement dates — Scottish Elections
#   (Reduction of Voting Age) Act 2015; Senedd and Elections (Wales) Act 2020; Local
#   Government and Elections (Wales) Act 2021 — are **unconfirmed** (not in the sources
#   searched), so these records use ``_EPOCH`` as valid_from rather than invent a date.
VOTING_AGES: tuple[AgeRule, ...] = (
    *(
        AgeRule(nation, PollType.UK_PARLIAMENT, 18, _EPOCH, None, "RPA 1983 s.1; registration.md §1.6 [S19]")
        for nation in Nation
    ),
    AgeRule(Nation.ENGLAND, PollType.LOCAL, 18, _EPOCH, None, "RPA 1983 s.2; registration.md §1.6 [S19]"),
    AgeRule(Nation.NORTHERN_IRELAND, PollType.LOCAL, 18, _EPOCH, None, "registration.md §1.6 [S21]"),
    AgeRule(Nation.NORTHERN_IRELAND, PollType.DEVOLVED, 18, _EPOCH, None, "registration.md §1.6 [S21]"),
    AgeRule(Nation.SCOTLAND, PollType.LOCAL, 16, _EPOCH, None, "registration.md §0, §1.6 [S1]; statute unconfirmed"),
    AgeRule(Nation.SCOTLAND, PollType.DEVOLVED, 16, _EPOCH, None, "registration.md §0, §1.6 [S1]; statute unconfirmed"),
    AgeRule(Nation.WALES, PollType.LOCAL, 16, _EPOCH, None, "registration.md §0, §1.6 [S1]; statute unconfirmed"),
    AgeRule(Nation.WALES, PollType.DEVOLVED, 16, _EPOCH, None, "registration.md §0, §1.6 [S1]; statute unconfirmed"),
)

# Minimum age to be entered on the register (as an attainer).
#
# - England and Northern Ireland: 16 — GOV.UK "you must be aged 16 or over to register"
#   (registration.md §1.6 [S21]; §16 row 23).
# - Scotland and Wales: 14 — "14 and 15 year olds may be on the local government register as
#   attainers" (registration.md §1.6 [S1]; §16 row 24).
REGISTRATION_AGES: tuple[AgeRule, ...] = (
    AgeRule(Nation.ENGLAND, None, 16, _EPOCH, None, "registration.md §1.6 [S21]"),
    AgeRule(Nation.NORTHERN_IRELAND, None, 16, _EPOCH, None, "registration.md §1.6 [S21]"),
    AgeRule(Nation.SCOTLAND, None, 14, _EPOCH, None, "registration.md §1.6 [S1]"),
    AgeRule(Nation.WALES, None, 14, _EPOCH, None, "registration.md §1.6 [S1]"),
)


class NoRuleError(LookupError):
    """No age rule is in force for the nation, poll type and date asked about."""


def _find(rules: tuple[AgeRule, ...], nation: Nation, poll_type: PollType | None, on: dt.date) -> AgeRule:
    matches = [r for r in rules if r.nation == nation and r.poll_type == poll_type and r.in_force(on)]
    if len(matches) != 1:
        raise NoRuleError(f"{len(matches)} age rules in force for {nation}/{poll_type} on {on.isoformat()}")
    return matches[0]


def voting_age(nation: Nation | str, poll_type: PollType | str, on: dt.date) -> int:
    """The age at which a person may vote at ``poll_type`` polls in ``nation`` on date ``on``.

    18 for UK Parliament everywhere (RPA 1983 s.1; registration.md §1.6 [S19]); 18 for every
    poll in England and Northern Ireland; 16 for local and devolved polls in Scotland and Wales
    (registration.md §0 and §1.6 [S1]; enacting statutes **unconfirmed**). See ``VOTING_AGES``.
    """
    return _find(VOTING_AGES, Nation(nation), PollType(poll_type), on).age


def minimum_registration_age(nation: Nation | str, on: dt.date) -> int:
    """The youngest age at which a person may be entered on the register as an attainer.

    16 in England and Northern Ireland (registration.md §1.6 [S21]: "you must be aged 16 or
    over to register"); 14 in Scotland and Wales (registration.md §1.6 [S1]). The 2026 Bill
    would allow 14 in England (registration.md §13 [S145]); that is not law yet.
    """
    return _find(REGISTRATION_AGES, Nation(nation), None, on).age


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; a 29 February anniversary in a common year becomes 1 March.

    How a leap-day birthday counts in a common year for electoral purposes is **unconfirmed**
    (not found in the sources searched). 1 March is the cautious reading: nobody is treated as
    having reached an age before the anniversary of their birth has fully arrived.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return dt.date(day.year + years, 3, 1)


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on`` (the birthday itself counts), using ``add_years``."""
    years = on.year - date_of_birth.year
    if add_years(date_of_birth, years) > on:
        years -= 1
    return years


def date_reaching_age(date_of_birth: dt.date, age: int) -> dt.date:
    """The date on which a person born on ``date_of_birth`` reaches ``age``."""
    return add_years(date_of_birth, age)


def attainer_window_end(relevant_date: dt.date) -> dt.date:
    """England: the last day by which an attainer must turn 18.

    registration.md §1.6 [S19]: "An attainer is someone who turns 18 by the end of the twelve
    months following the 1 December after the relevant date." We read "the 1 December after"
    as the first 1 December strictly after the relevant date, and "the end of the twelve
    months following" it as the day before the next 1 December (i.e. 30 November of the
    following year). Both readings are **unconfirmed** against RPA 1983 s.4 itself.
    """
    next_december = dt.date(relevant_date.year, 12, 1)
    if next_december <= relevant_date:
        next_december = dt.date(relevant_date.year + 1, 12, 1)
    return dt.date(next_december.year + 1, 11, 30)


def is_attainer(
    nation: Nation | str, date_of_birth: dt.date, relevant_date: dt.date, poll_type: PollType | str = PollType.LOCAL
) -> bool:
    """Whether a person may be registered now although below voting age for ``poll_type``.

    A person is an attainer when, on ``relevant_date``, they are below ``voting_age`` but at
    least ``minimum_registration_age``. In England the window is further limited by the
    "turns 18 by the end of the twelve months following the 1 December after the relevant
    date" rule (registration.md §1.6 [S19]; RPA 1983 s.4 — section number **unconfirmed**).
    For Wales, Scotland and Northern Ireland no equivalent window was found in the sources
    searched (**unconfirmed**), so only the two ages apply there.
    """
    nation = Nation(nation)
    age = age_on(date_of_birth, relevant_date)
    vote_at = voting_age(nation, poll_type, relevant_date)
    if not minimum_registration_age(nation, relevant_date) <= age < vote_at:
        return False
    if nation is Nation.ENGLAND:
        return date_reaching_age(date_of_birth, vote_at) <= attainer_window_end(relevant_date)
    return True


def attainer_date(
    nation: Nation | str, date_of_birth: dt.date, relevant_date: dt.date, poll_type: PollType | str = PollType.LOCAL
) -> dt.date | None:
    """The date printed against an attainer's entry (the day they reach voting age), or None.

    registration.md §1.3 and §1.6 [S19]: "The register must include the date on which any
    attainers will be 18"; the marker is that date, and the person "is not an elector for
    any purpose until then unless a poll is on/after that date" [S2][S19][S4].
    """
    if not is_attainer(nation, date_of_birth, relevant_date, poll_type):
        return None
    return date_reaching_age(date_of_birth, voting_age(nation, poll_type, relevant_date))


def may_vote(nation: Nation | str, poll_type: PollType | str, date_of_birth: dt.date, poll_date: dt.date) -> bool:
    """Whether a person is old enough to vote at a ``poll_type`` poll held on ``poll_date``.

    The attainer date rule (registration.md §1.3 [S4]): an attainer may vote at a poll on or
    after the date they reach voting age.
    """
    return age_on(date_of_birth, poll_date) >= voting_age(nation, poll_type, poll_date)
