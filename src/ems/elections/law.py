"""Every call from the elections app into electoral law, in one small module.

The rules themselves live in ``ems_rules`` (pure Python, cited and tested there):
``ems_rules.timetables`` (statutory timetables) and ``ems_rules.nominations`` (subscribers,
deposits, descriptions, SOPN order). The app calls only the functions below, with plain
values, so a change in the rules' API is a change here alone.

Two small tables live here until they have a home in ``ems_rules``; each names its source:

- ``voting_system``: Democracy Club's ``voting_systems.json`` (uk-election-ids, MIT; copy in
  ``shared/data/reference-rules``) and elections.md §1.
- ``elector_requests_required`` / ``by_election_poll_window``: elections.md §1 (LGA 1972 s.89
  as summarised by the Electoral Commission's casual-vacancy guidance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ems.core.calendar import overrides_for
from ems_rules import calendar, eligibility, franchise, nominations, timetables


@dataclass(frozen=True)
class DeadlineRow:
    key: str
    label: str
    day: dt.date | None
    time: dt.time | None
    citation: str
    ro_chooses: bool = False
    earliest: dt.date | None = None
    latest: dt.date | None = None


class LawError(ValueError):
    """The law gives no answer for these facts (an impossible type and nation, say)."""


# ---- timetables ------------------------------------------------------------------------------


def timetable(
    election_type: str, nation: str, poll_date: dt.date, *, authority_id: int | None = None
) -> list[DeadlineRow]:
    """The statutory deadlines of a poll, and the dates the Returning Officer chooses, in date order.
    ``authority_id`` adds that council's recorded days of thanksgiving or mourning to the calendar."""
    try:
        table = timetables.compute_timetable(election_type, nation, poll_date, overrides=overrides_for(authority_id))
    except timetables.TimetableError as error:
        raise LawError(str(error)) from error
    choices = {c.key: c for c in table.ro_chooses}
    rows = []
    for d in table.deadlines.values():
        choice = choices.pop(d.key, None)
        if choice is None:
            rows.append(DeadlineRow(d.key, d.label, d.day, d.time, d.citation))
        else:
            # Scottish local polls: the law sets the last day and the RO picks the day within a
            # window, so one entry carries both (the deadline, movable by the RO).
            rows.append(
                DeadlineRow(
                    d.key,
                    d.label,
                    d.day,
                    d.time,
                    d.citation,
                    ro_chooses=True,
                    earliest=choice.earliest,
                    latest=choice.latest or d.day,
                )
            )
    rows += [
        DeadlineRow(c.key, c.label, None, None, c.citation, ro_chooses=True, earliest=c.earliest, latest=c.latest)
        for c in choices.values()
    ]
    return sorted(rows, key=lambda r: (r.day or r.latest or r.earliest or poll_date, r.time or dt.time(23, 59)))


def timetable_warnings(
    election_type: str, nation: str, poll_date: dt.date, *, authority_id: int | None = None
) -> list[str]:
    """What the timetable rules flag about a poll date (not a Thursday, a dies non, ...)."""
    try:
        table = timetables.compute_timetable(election_type, nation, poll_date, overrides=overrides_for(authority_id))
    except timetables.TimetableError:
        return []
    return [str(w) for w in table.warnings]


# ---- nominations -----------------------------------------------------------------------------


def subscribers_required(election_type: str, nation: str, on: dt.date) -> int:
    """Subscribers each nomination paper needs (0 where the poll has no nominations)."""
    try:
        return int(nominations.subscribers_required(election_type, nation, on))
    except (ValueError, LookupError):  # a poll without nominations (a referendum, say)
        return 0


def deposit_pence(election_type: str, nation: str, on: dt.date) -> int | None:
    """The deposit each candidate pays, in pence; None where there is none."""
    try:
        amount = nominations.deposit_pence(election_type, nation, on)
    except (ValueError, LookupError):
        return None
    return None if amount is None else int(amount)


def description_problems(text: str) -> list[str]:
    """Why a description may not be used (more than six words, say); empty when it may."""
    return [str(problem) for problem in nominations.check_description(text)]


def sopn_sort_key(surname: str, other_names: str) -> tuple[object, ...]:
    return tuple(nominations.sopn_sort_key(surname, other_names))


def closed_list_sort_key(party: str, list_position: int | None, surname: str, other_names: str) -> tuple[object, ...]:
    """Sort key at a closed-list (D'Hondt) ballot: each party's list together, filed by the party's
    name, in list-position order; an individual candidate (no party, a list of one) files by
    surname among the parties. The alphabetical filing of lists and individuals follows the
    SOPN rule above; the Senedd 2026 rules on the order of lists were not read: **unconfirmed**."""
    group = nominations.sopn_sort_key(party, "")[0] if party else nominations.sopn_sort_key(surname, other_names)[0]
    return (group, party, list_position or 0, *nominations.sopn_sort_key(surname, other_names))


def subscription_limit(election_type: str, seats: int) -> int | None:
    """How many nomination papers one elector may subscribe at this ballot (None: no limit);
    the rule and its sources are in ``ems_rules.nominations.subscription_limit``."""
    return nominations.subscription_limit(election_type, max(seats, 1))


def voting_age(election_type: str, nation: str, poll_date: dt.date) -> int:
    """The voting age at this poll; PCC polls use the UK Parliament age (18 in Wales too,
    ``ems_rules.eligibility.AGE_POLL_TYPE``)."""
    age_type = eligibility.AGE_POLL_TYPE.get(election_type, poll_type(election_type))
    return franchise.voting_age(nation, age_type, poll_date)


def poll_type(election_type: str) -> franchise.PollType:
    if election_type in ("ukpge", "ukp-by"):
        return franchise.PollType.UK_PARLIAMENT
    if election_type in ("senedd", "scottish-parliament"):
        return franchise.PollType.DEVOLVED
    return franchise.PollType.LOCAL


# ---- voting systems (Democracy Club voting_systems.json; elections.md §1) ----------------------

_MAYOR_FPTP_FROM = dt.date(2023, 5, 4)  # "sv" up to 2023-05-03, "FPTP" from 2023-05-04 (voting_systems.json)
_SENEDD_LIST_FROM = dt.date(2026, 5, 7)  # "senedd" closed list (PR-CL) from 2026-05-07 (voting_systems.json)


def voting_system(election_type: str, nation: str, poll_date: dt.date) -> str:
    """The voting system of a ballot (``VotingSystem`` values).

    Local councils: STV in Scotland and Northern Ireland, FPTP in England and Wales (Welsh
    councils' option to adopt STV is not modelled: **unconfirmed** which have). Mayors and PCCs:
    SV until 3 May 2023, FPTP from 4 May 2023. Senedd: AMS, then a closed list (D'Hondt) from
    7 May 2026. Scottish Parliament and the London Assembly: AMS (the GLA group holds the
    mayoral and constituency ballots too, which are FPTP: choose per ballot there).
    """
    if election_type in ("local", "local-by", "parish"):
        return "stv" if nation in ("SCT", "NIR") else "fptp"
    if election_type in ("pcc", "mayor-local", "mayor-ca"):
        return "fptp" if poll_date >= _MAYOR_FPTP_FROM else "sv"
    if election_type == "senedd":
        return "dhondt" if poll_date >= _SENEDD_LIST_FROM else "ams"
    if election_type in ("scottish-parliament", "gla"):
        return "ams"
    if election_type == "np-referendum":
        return "referendum"
    return "fptp"


# ---- casual vacancies (elections.md §1) -------------------------------------------------------


def elector_requests_required(election_type: str) -> int | None:
    """Electors whose written request triggers a by-election: 2 for a principal area, 10 for a parish.

    LGA 1972 s.89(1)(b) and the EC's "Requests to hold an election" guidance (elections.md §1).
    """
    if election_type == "local-by":
        return 2
    if election_type == "parish":
        return 10
    return None


def working_days_after(day: dt.date, count: int, nation: str, *, authority_id: int | None = None) -> dt.date:
    """``count`` working days after ``day``, skipping that nation's dies non (``ems_rules.calendar``)."""
    return calendar.working_days_after(day, count, nation, overrides=overrides_for(authority_id))


def by_election_poll_window(
    election_type: str, nation: str, requested_on: dt.date, *, authority_id: int | None = None
) -> dt.date | None:
    """The latest day for the poll after a valid request: 35 working days for a principal area
    (LGA 1972 s.89(1)(b) and s.243(3); EC casual-vacancy guidance), 60 working days for a parish
    (council pages only: **unconfirmed** against the Act, elections.md §1)."""
    if election_type == "local-by":
        return working_days_after(requested_on, 35, nation, authority_id=authority_id)
    if election_type == "parish":
        return working_days_after(requested_on, 60, nation, authority_id=authority_id)
    return None
