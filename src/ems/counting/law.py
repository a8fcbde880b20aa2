"""Every call from the count into electoral law, in one small module.

The rules live in ``ems_rules`` (pure Python, cited and tested there):

- ``ems_rules.count``: the exact count engines (FPTP, STV for Scotland and Northern Ireland, the
  supplementary vote, D'Hondt for closed lists, referendums), BLT preference files, and ties
  decided by lot from a recorded seed (``ems_rules.count.lots``).
- ``ems_rules.nominations``: the deposit, and whether a candidate's share of the votes returns it
  (more than 5% of the valid votes; 2.5% for the London-wide Assembly list).
- ``ems_rules.spending``: spending limits, the last day for the spending return, and the last day
  for the notice of inspection of returns.
- ``ems_rules.calendar``: working days.

Three small rules live here until they have a home in ``ems_rules``; each names its source:

- ``in_electorate``: the electorate for turnout and spending limits leaves out attainers who will
  not be 18 by polling day (EC local elections RO guidance, "Providing information on election
  spending", quoted in elections.md §7.4).
- ``turnout_percent``: the share to two decimal places, half up (Democracy Club's
  ``turnout_percentage``, elections.md §7.4).
- ``candidate_declaration_due``: the candidate's declaration as to election expenses within 7
  working days after the return is delivered (elections.md §8.3; **unconfirmed** against RPA 1983
  s.82, which was not read).

The app calls only the functions below with plain values, so a change in the rules' API is a
change here alone. Every problem reaches the caller as ``LawError`` with one readable line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ems_rules import calendar, nominations, spending
from ems_rules.count import (
    CountInputError,
    LotRequiredError,
    allocate_dhondt,
    count_fptp,
    count_referendum,
    count_stv_ni,
    count_stv_scotland,
    count_sv,
    parse_blt,
)
from ems_rules.count.blt import Election, decode_blt


class LawError(ValueError):
    """The rules give no answer for these facts, or the figures are unusable (one line)."""


class LotNeeded(LawError):
    """A tie must be decided by lot: the Returning Officer records a seed and the count runs again."""


# ---- the count -----------------------------------------------------------------------------------

COUNTABLE_SYSTEMS = ("fptp", "stv", "sv", "dhondt", "referendum")
REFERENDUM_ANSWERS = ("Yes", "No")  # a neighbourhood planning referendum's question is answered Yes or No


@dataclass(frozen=True)
class Outcome:
    """A count's result in plain values: names are the labels the caller passed in."""

    elected: tuple[str, ...]
    first: Mapping[str, int]  # votes (first preferences) for each label
    report: dict[str, Any]
    tie_breaks: list[dict[str, Any]] = field(default_factory=list)
    valid_papers: int | None = None  # STV: the valid ballot papers in the file
    blank_papers: int = 0  # STV: papers in the file with no preference for a standing candidate


def count_totals(
    voting_system: str,
    votes: Mapping[str, int],
    seats: int,
    *,
    second: Mapping[str, int] | None = None,
    ballot_papers: int | None = None,
    seed: int | None = None,
) -> Outcome:
    """Count from totals per candidate: first past the post (one seat or several), or the
    supplementary vote (``second``: second preferences for the top two)."""
    try:
        if voting_system == "fptp":
            result = count_fptp(votes, seats, ballot_papers=ballot_papers, seed=seed)
            return Outcome(
                elected=tuple(result.elected),
                first=dict(votes),
                report=result.as_json(),
                tie_breaks=[t.as_json() for t in result.tie_breaks],
            )
        if voting_system == "sv":
            sv = count_sv(votes, second or {}, seed=seed)
            return Outcome(
                elected=(sv.elected,),
                first=dict(votes),
                report=sv.as_json(),
                tie_breaks=[t.as_json() for t in sv.tie_breaks],
            )
    except LotRequiredError as error:
        raise LotNeeded(str(error)) from error
    except CountInputError as error:
        raise LawError(str(error)) from error
    raise LawError(f"Counting a {voting_system} ballot from totals is not supported here: use `ems count`")


def count_lists(
    votes: Mapping[str, int], lists: Mapping[str, Sequence[str]], seats: int, *, seed: int | None = None
) -> Outcome:
    """A closed-list ballot (the Senedd from 2026): ``votes`` for each party list and each
    individual candidate, ``lists`` each one's standing candidates in list order (an individual
    candidate is a list of one, holding only themself). The seats go to the lists by D'Hondt
    (``ems_rules.count.allocate_dhondt``: a list with no candidates left takes no more seats,
    equal highest figures with too few seats left are decided by lot), and within a list to its
    candidates in list order. ``elected`` holds the candidates' labels in order of allocation."""
    unknown = sorted(set(lists) ^ set(votes))
    if unknown:
        raise LawError(f"votes and lists do not match: {', '.join(unknown)}")
    try:
        result = allocate_dhondt(
            votes, seats, list_sizes={name: len(members) for name, members in lists.items()}, seed=seed
        )
    except LotRequiredError as error:
        raise LotNeeded(str(error)) from error
    except CountInputError as error:
        raise LawError(str(error)) from error
    taken = dict.fromkeys(lists, 0)
    elected: list[str] = []
    for quotient in result.rounds:
        elected.append(lists[quotient.party][taken[quotient.party]])
        taken[quotient.party] += 1
    report = result.as_json()
    report["members"] = [
        {"round": q.round, "list": q.party, "member": member} for q, member in zip(result.rounds, elected, strict=True)
    ]
    return Outcome(
        elected=tuple(elected),
        first=dict(votes),
        report=report,
        tie_breaks=[t.as_json() for t in result.tie_breaks],
    )


def count_answers(votes: Mapping[str, int]) -> Outcome:
    """A referendum: the votes for each answer and the majority of the valid votes
    (``ems_rules.count.count_referendum``; equal votes give no majority, and no lot is drawn).
    Nothing is elected; the report carries ``majority_answer`` and ``margin``. Rejected papers
    and turnout are the count's own figures (the statement of rejected ballot papers)."""
    try:
        result = count_referendum(votes)
    except CountInputError as error:
        raise LawError(str(error)) from error
    return Outcome(elected=(), first=dict(votes), report=result.as_json())


def preference_text(data: bytes) -> str:
    """A BLT file's bytes as text: UTF-8 (with or without a BOM), else Windows-1252, else Latin-1."""
    return decode_blt(data)


def read_preferences(data: bytes) -> Election:
    """A BLT preference file (the e-count's ballot-level export), parsed."""
    try:
        return parse_blt(decode_blt(data))
    except CountInputError as error:
        raise LawError(str(error)) from error


def count_preferences(nation: str, election: Election, *, seed: int | None = None) -> Outcome:
    """Count an STV ballot from its preference profile: the Scottish rules (SSI 2011/399) in
    Scotland, the Northern Ireland rules elsewhere there is STV."""
    try:
        if nation == "SCT":
            result = count_stv_scotland(election, seed=seed)
        elif nation == "NIR":
            result = count_stv_ni(election, seed=seed)
        else:
            raise LawError("STV counts are recorded for Scotland and Northern Ireland only")
    except LotRequiredError as error:
        raise LotNeeded(str(error)) from error
    except CountInputError as error:
        raise LawError(str(error)) from error
    first = dict.fromkeys(election.names, 0)
    for paper in election.ballots:
        first[election.names[paper.preferences[0]]] += paper.weight
    return Outcome(
        elected=tuple(result.elected),
        first=first,
        report=result.as_json(),
        tie_breaks=[t.as_json() for t in result.tie_breaks],
        valid_papers=result.valid_votes,
        blank_papers=election.blank_papers,
    )


def preference_names(election: Election) -> list[str]:
    return list(election.names)


# ---- turnout and the electorate ---------------------------------------------------------------


def in_electorate(entry: Mapping[str, Any], poll_date: dt.date) -> bool:
    """Whether a register entry counts in the electorate for turnout and spending limits: every
    entry except an attainer who will not be 18 by polling day (module docstring)."""
    attainer = entry.get("attainer_date")
    if not attainer:
        return True
    try:
        day = dt.date.fromisoformat(str(attainer)[:10])
    except ValueError:
        return True
    return day <= poll_date


def turnout_percent(part: int, whole: int) -> Decimal:
    """``part`` as a percentage of ``whole`` to two places, half up (0 for an empty electorate)."""
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---- deposits ------------------------------------------------------------------------------------


def contest_for(election_type: str, voting_system: str) -> str | None:
    """The contest within a GLA poll, from the ballot's voting system (mayor, constituency, list)."""
    if election_type == "gla":
        return {"fptp": "constituency", "sv": "mayor", "ams": "london-wide", "dhondt": "london-wide"}.get(
            voting_system, "mayor"
        )
    return None


def deposit_pence(election_type: str, nation: str, on: dt.date, *, contest: str | None = None) -> int | None:
    try:
        amount = nominations.deposit_pence(election_type, nation, on, contest=contest)
    except (ValueError, LookupError):
        return None
    return None if amount is None else int(amount)


def deposit_threshold(election_type: str, nation: str, on: dt.date, *, contest: str | None = None) -> str:
    """The share above which the deposit is returned, in words ("5%", "2.5%")."""
    try:
        share = nominations.deposit_rule(election_type, nation, on, contest=contest).returned_above
    except (ValueError, LookupError):
        return ""
    if share is None:
        return ""
    percent = Decimal(share.numerator) * 100 / Decimal(share.denominator)
    return f"{percent.normalize():f}%"


def deposit_returned(
    votes: int,
    valid_votes: int,
    election_type: str,
    nation: str,
    on: dt.date,
    *,
    contest: str | None = None,
    elected: bool = False,
) -> bool:
    try:
        return nominations.deposit_returned(
            votes, valid_votes, election_type, nation=nation, on=on, contest=contest, elected=elected
        )
    except (ValueError, LookupError) as error:
        raise LawError(str(error)) from error


# ---- spending ------------------------------------------------------------------------------------


def spending_limit_pence(
    election_type: str,
    poll_date: dt.date,
    electorate: int,
    *,
    nation: str,
    joint_candidates: int = 1,
    constituency_type: str | None = None,
    police_area: str | None = None,
    contest: str | None = None,
    constituent_councils: int | None = None,
) -> int:
    try:
        return spending.candidate_spending_limit_pence(
            election_type,
            poll_date,
            electorate,
            constituency_type=constituency_type,
            joint_candidates=joint_candidates,
            nation=nation,
            police_area=police_area,
            contest=contest,
            constituent_councils=constituent_councils,
        )
    except (ValueError, TypeError, LookupError) as error:
        raise LawError(str(error)) from error


def spending_contest(election_type: str, voting_system: str) -> str | None:
    return contest_for(election_type, voting_system)


def return_due(election_type: str, declared_on: dt.date, *, poll_date: dt.date, contest: str | None = None) -> dt.date:
    """The last day for the election agent's spending return."""
    try:
        return spending.return_deadline(election_type, declared_on, contest=contest, poll_date=poll_date)
    except (ValueError, LookupError) as error:
        raise LawError(str(error)) from error


def inspection_notice_due(
    election_type: str, declared_on: dt.date, *, poll_date: dt.date, contest: str | None = None
) -> dt.date:
    """The last day for the notice of the time and place for inspecting returns (RPA 1983 s.88)."""
    try:
        return spending.inspection_notice_deadline(election_type, declared_on, contest=contest, poll_date=poll_date)
    except (ValueError, LookupError) as error:
        raise LawError(str(error)) from error


CANDIDATE_DECLARATION_WORKING_DAYS = 7  # elections.md §8.3; RPA 1983 s.82 **unconfirmed**


def candidate_declaration_due(return_received_on: dt.date, nation: str) -> dt.date:
    """The last day for the candidate's declaration: 7 working days after the return (module docstring)."""
    return calendar.working_days_after(return_received_on, CANDIDATE_DECLARATION_WORKING_DAYS, nation)


def format_pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def labels_for(names: Sequence[str]) -> list[str]:
    """Distinct labels for names that may repeat ("SMITH, Jo", "SMITH, Jo (2)")."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
