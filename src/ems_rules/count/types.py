"""Result and stage-report types shared by the count engines.

Every number here is exact: whole votes are ``int``; fractional STV votes and quotients are
``Decimal`` (STV values carry the number of decimal places the rules prescribe, five in
Scotland and two in Northern Ireland). No engine uses ``float``.

A **tie break** is recorded whenever the rules had to choose between candidates (or parties)
with equal figures: either by looking back to an earlier stage (``method="earlier stage"``), or
by lot (``method="lot"``, with the recorded seed, so that a recount with the same seed draws
the same lot; see ``ems_rules.count.lots``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal


class CountInputError(ValueError):
    """The input to a count is unusable. The message is one line and names what is wrong
    (for a file, the line number)."""


class LotRequiredError(CountInputError):
    """A tie must be decided by lot, but no seed was given to draw it with.

    The returning officer decides ties by lot; the EMS draws the lot from a recorded integer
    seed so that any recount reproduces it. Without a seed it refuses to guess."""


TieMethod = Literal["earlier stage", "lot"]


@dataclass(frozen=True, slots=True)
class TieBreak:
    """One decision between tied candidates (or parties)."""

    purpose: str  # e.g. "exclusion", "surplus order", "last seat", "top two"
    stage: int  # the stage (STV) or round (D'Hondt) at which the tie arose; 1 for one-stage counts
    candidates: tuple[str, ...]  # the tied names, in ballot (input) order
    method: TieMethod
    outcome: str  # the name chosen: the one excluded, transferred first, elected, ...
    seed: int | None = None  # the lot's seed (method "lot" only)
    order: tuple[str, ...] = ()  # lot only: the full drawn order, outcome first
    decided_at_stage: int | None = None  # "earlier stage" only: the stage that decided it

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "purpose": self.purpose,
            "stage": self.stage,
            "candidates": list(self.candidates),
            "method": self.method,
            "outcome": self.outcome,
        }
        if self.method == "lot":
            out["seed"] = self.seed
            out["order"] = list(self.order)
        else:
            out["decided_at_stage"] = self.decided_at_stage
        return out


@dataclass(frozen=True, slots=True)
class StvStage:
    """One stage of an STV count, as the stage-by-stage report shows it.

    ``totals`` holds every candidate's votes at the **end** of the stage (an excluded candidate
    shows 0; an elected candidate whose surplus has been transferred shows the quota).
    ``non_transferable`` and ``lost_to_fractions`` are running totals since the first stage:
    the value of papers with no next available preference, and the value lost because transfer
    values are truncated. For every stage::

        sum(totals) + non_transferable + lost_to_fractions == valid votes      (exactly)
    """

    stage: int
    kind: Literal["first preferences", "surplus", "exclusion"]
    subject: str | None  # whose surplus is transferred, or who is excluded
    action: str  # one line, e.g. "Transfer of the surplus of Bill BUTLER (677.00000)"
    totals: Mapping[str, Decimal]
    changes: Mapping[str, Decimal]  # this stage's transfers; empty at the first stage
    non_transferable: Decimal
    lost_to_fractions: Decimal
    elected: tuple[str, ...] = ()  # deemed elected at the end of this stage, in order
    excluded: tuple[str, ...] = ()
    transfer_values: tuple[Decimal, ...] = ()  # surplus stages: the transfer values used

    def as_json(self, places: int) -> dict[str, object]:
        fmt = _formatter(places)
        return {
            "stage": self.stage,
            "kind": self.kind,
            "subject": self.subject,
            "action": self.action,
            "totals": {name: fmt(value) for name, value in self.totals.items()},
            "changes": {name: fmt(value) for name, value in self.changes.items()},
            "non_transferable": fmt(self.non_transferable),
            "lost_to_fractions": fmt(self.lost_to_fractions),
            "elected": list(self.elected),
            "excluded": list(self.excluded),
            "transfer_values": [fmt(v) for v in self.transfer_values],
        }


@dataclass(frozen=True, slots=True)
class StvResult:
    """The outcome of an STV count: who is elected, in order of election, and every stage."""

    system: str  # "stv-scotland" or "stv-ni"
    title: str
    candidates: tuple[str, ...]
    seats: int
    valid_votes: int  # the total number of valid ballot papers
    quota: int
    places: int  # decimal places of every value in the report
    elected: tuple[str, ...]
    stages: tuple[StvStage, ...]
    tie_breaks: tuple[TieBreak, ...] = ()
    withdrawn: tuple[str, ...] = ()
    elected_without_quota: tuple[str, ...] = field(default=())  # filled the last vacancies

    def as_json(self) -> dict[str, object]:
        fmt = _formatter(self.places)
        return {
            "system": self.system,
            "title": self.title,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "withdrawn": list(self.withdrawn),
            "valid_votes": self.valid_votes,
            "quota": self.quota,
            "elected": list(self.elected),
            "elected_without_quota": list(self.elected_without_quota),
            "stages": [stage.as_json(self.places) for stage in self.stages],
            "non_transferable": fmt(self.stages[-1].non_transferable),
            "lost_to_fractions": fmt(self.stages[-1].lost_to_fractions),
            "tie_breaks": [tie.as_json() for tie in self.tie_breaks],
        }


@dataclass(frozen=True, slots=True)
class PluralityResult:
    """First past the post (one or more seats): ``elected`` in order of votes."""

    seats: int
    totals: Mapping[str, int]  # every candidate, in input order
    elected: tuple[str, ...]
    tie_breaks: tuple[TieBreak, ...] = ()
    majority: int | None = None  # single seat: winner minus runner-up

    def as_json(self) -> dict[str, object]:
        return {
            "system": "fptp",
            "seats": self.seats,
            "elected": list(self.elected),
            "totals": dict(self.totals),
            "majority": self.majority,
            "tie_breaks": [tie.as_json() for tie in self.tie_breaks],
        }


@dataclass(frozen=True, slots=True)
class SupplementaryVoteResult:
    """Supplementary vote: first preferences, and (if no one has a majority) the second count."""

    first: Mapping[str, int]  # first-preference votes, every candidate
    elected: str
    decided_on_first_preferences: bool
    top_two: tuple[str, ...]  # empty when decided on first preferences
    second: Mapping[str, int]  # second preferences added for the top two
    final: Mapping[str, int]  # top two: first + second
    tie_breaks: tuple[TieBreak, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "system": "sv",
            "elected": [self.elected],
            "decided_on_first_preferences": self.decided_on_first_preferences,
            "first": dict(self.first),
            "top_two": list(self.top_two),
            "second": dict(self.second),
            "final": dict(self.final),
            "tie_breaks": [tie.as_json() for tie in self.tie_breaks],
        }


@dataclass(frozen=True, slots=True)
class Quotient:
    """One D'Hondt allocation round: which party won the seat, on what quotient."""

    round: int
    party: str
    votes: int
    divisor: int  # seats already held + 1
    quotient: Decimal  # votes / divisor, to 6 decimal places for display only

    def as_json(self) -> dict[str, object]:
        return {
            "round": self.round,
            "party": self.party,
            "votes": self.votes,
            "divisor": self.divisor,
            "quotient": str(self.quotient),
        }


@dataclass(frozen=True, slots=True)
class ListResult:
    """A D'Hondt allocation (closed lists, or the list part of AMS)."""

    system: str  # "dhondt" or "ams"
    seats: int  # seats allocated by this count (list seats for AMS)
    votes: Mapping[str, int]
    seats_won: Mapping[str, int]  # seats allocated by this count, every party
    constituency_seats: Mapping[str, int]  # AMS only; empty for a pure list count
    rounds: tuple[Quotient, ...]
    excluded_below_threshold: tuple[str, ...] = ()
    tie_breaks: tuple[TieBreak, ...] = ()

    @property
    def elected(self) -> tuple[str, ...]:
        """The party winning each seat, in order of allocation."""
        return tuple(q.party for q in self.rounds)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "system": self.system,
            "seats": self.seats,
            "elected": list(self.elected),
            "seats_won": dict(self.seats_won),
            "votes": dict(self.votes),
            "rounds": [q.as_json() for q in self.rounds],
            "tie_breaks": [tie.as_json() for tie in self.tie_breaks],
        }
        if self.system == "ams":
            out["constituency_seats"] = dict(self.constituency_seats)
            out["excluded_below_threshold"] = list(self.excluded_below_threshold)
        return out


def _formatter(places: int) -> Callable[[Decimal], str]:
    quantum = Decimal(1).scaleb(-places)

    def fmt(value: Decimal) -> str:
        return str(value.quantize(quantum))

    return fmt


@dataclass(frozen=True, slots=True)
class ThresholdCheck:
    """One statutory threshold and whether it was met (see ``ems_rules.count.referendum``)."""

    kind: str  # "share of electorate", "turnout" or "share of votes"
    percent: Decimal
    answer: str | None  # the answer that must reach it (None for turnout)
    figure: Decimal  # the actual percentage, to 2 decimal places (display only)
    met: bool  # decided exactly, not on the rounded figure

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "percent": str(self.percent),
            "answer": self.answer,
            "figure": str(self.figure),
            "met": self.met,
        }


@dataclass(frozen=True, slots=True)
class ReferendumResult:
    """A referendum count: votes for each answer, the majority, and any threshold."""

    totals: Mapping[str, int]
    valid_votes: int
    rejected: int
    ballot_papers: int  # valid + rejected: the ballot papers counted
    electorate: int | None
    turnout: Decimal | None  # ballot papers counted / electorate, %, 2 dp (display only)
    majority_answer: str | None  # None when the top answers are equal
    margin: int  # first answer minus second
    thresholds: tuple[ThresholdCheck, ...]

    @property
    def outcome(self) -> str | None:
        """The answer carried: the majority answer, if every threshold was met."""
        if self.majority_answer is None or not all(t.met for t in self.thresholds):
            return None
        return self.majority_answer

    def as_json(self) -> dict[str, object]:
        return {
            "system": "referendum",
            "totals": dict(self.totals),
            "valid_votes": self.valid_votes,
            "rejected": self.rejected,
            "ballot_papers": self.ballot_papers,
            "electorate": self.electorate,
            "turnout": None if self.turnout is None else str(self.turnout),
            "majority_answer": self.majority_answer,
            "margin": self.margin,
            "thresholds": [t.as_json() for t in self.thresholds],
            "outcome": self.outcome,
        }
