"""The STV counting machine shared by ``stv_scotland`` and ``stv_ni``.

The two rule sets differ in three places, given by ``StvRules``: the number of decimal places
of every value; which papers a surplus is transferred from (all of the candidate's papers,
weighted, or only the sub-parcel last received); and which earlier stage breaks a tie. The
rule citations are in those two modules.

Arithmetic is exact: every value is an ``int`` counting units of 10**-places votes, so a
value truncated to five decimal places is ``floor(x * 10**5)`` and nothing is ever rounded.
Identical preference sequences are grouped, and a candidate's papers are kept as **bundles**
(``count`` papers of one sequence, all at one value, received at one stage), so a count costs
time in proportion to the number of distinct sequences, not of ballot papers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ems_rules.count.blt import Election
from ems_rules.count.lots import draw_lot
from ems_rules.count.types import CountInputError, StvResult, StvStage, TieBreak

CONTINUING, ELECTED, EXCLUDED, WITHDRAWN = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class StvRules:
    system: str
    places: int  # decimal places of every value (transfer values are truncated to these)
    surplus: Literal["all papers", "last parcel"]
    lookback: Literal["most recent", "earliest"]  # which earlier stage breaks a tie first


def droop_quota(valid_votes: int, seats: int) -> int:
    """floor(valid / (seats + 1)) + 1."""
    return valid_votes // (seats + 1) + 1


class _Count:
    def __init__(self, election: Election, rules: StvRules, seed: int | None) -> None:
        self.rules = rules
        self.seed = seed
        self.unit = 10**rules.places
        self.names = election.names
        n = len(self.names)
        self.seats = election.seats
        grouped: dict[tuple[int, ...], int] = {}
        for ballot in election.ballots:
            if ballot.weight <= 0:
                raise CountInputError(f"ballot weights must be positive, not {ballot.weight}")
            prefs = tuple(p for p in ballot.preferences if p not in election.withdrawn)
            if not prefs:
                continue
            if len(set(prefs)) != len(prefs) or not all(0 <= p < n for p in prefs):
                raise CountInputError(f"ballot preferences {ballot.preferences} are not distinct candidate numbers")
            grouped[prefs] = grouped.get(prefs, 0) + ballot.weight
        # A stable order (sorted sequences), so nothing depends on the order of the input.
        self.sequences = sorted(grouped)
        counts = [grouped[s] for s in self.sequences]
        self.valid = sum(counts)
        if self.valid == 0:
            raise CountInputError("there are no valid ballot papers to count")
        if self.seats < 1:
            raise CountInputError(f"number of seats must be at least 1, not {self.seats}")
        self.quota = droop_quota(self.valid, self.seats)
        self.quota_units = self.quota * self.unit
        self.status = [WITHDRAWN if i in election.withdrawn else CONTINUING for i in range(n)]
        # bundles[c]: [sequence index, position of c in it, papers, value in units, stage received]
        self.bundles: list[list[list[int]]] = [[] for _ in range(n)]
        self.total = [0] * n
        for s, (prefs, count) in enumerate(zip(self.sequences, counts, strict=True)):
            self.bundles[prefs[0]].append([s, 0, count, self.unit, 1])
            self.total[prefs[0]] += count * self.unit
        self.non_transferable = 0
        self.lost = 0
        self.pending: list[int] = []  # elected, with a surplus not yet transferred
        self.elected: list[int] = []
        self.without_quota: list[int] = []
        self.history: list[tuple[int, ...]] = []  # totals at the end of each stage
        self.stages: list[StvStage] = []
        self.ties: list[TieBreak] = []

    # ---- helpers -----------------------------------------------------------------------------
    def dec(self, units: int) -> Decimal:
        return Decimal(units).scaleb(-self.rules.places)

    def fmt(self, units: int) -> str:
        return str(self.dec(units).quantize(Decimal(1).scaleb(-self.rules.places)))

    def standing(self) -> list[int]:
        return [i for i, s in enumerate(self.status) if s != WITHDRAWN]

    def continuing(self) -> list[int]:
        return [i for i, s in enumerate(self.status) if s == CONTINUING]

    def next_preference(self, sequence: int, after: int) -> tuple[int, int] | None:
        prefs = self.sequences[sequence]
        status = self.status
        for pos in range(after + 1, len(prefs)):
            if status[prefs[pos]] == CONTINUING:
                return prefs[pos], pos
        return None

    def vacancies(self) -> int:
        return self.seats - len(self.elected)

    # ---- ties --------------------------------------------------------------------------------
    def choose(self, tied: list[int], *, highest: bool, purpose: str) -> int:
        """Break a tie by an earlier stage (the rules' lookback), then by lot."""
        stage = len(self.history)
        if len(tied) == 1:
            return tied[0]
        past = list(range(stage - 1))  # indexes of the stages before the current one
        if self.rules.lookback == "most recent":
            past.reverse()
        remaining = list(tied)
        for k in past:
            values = [self.history[k][c] for c in remaining]
            if len(set(values)) == 1:
                continue
            best = max(values) if highest else min(values)
            remaining = [c for c, v in zip(remaining, values, strict=True) if v == best]
            if len(remaining) == 1:
                self.ties.append(
                    TieBreak(
                        purpose=purpose,
                        stage=stage,
                        candidates=tuple(self.names[c] for c in sorted(tied)),
                        method="earlier stage",
                        outcome=self.names[remaining[0]],
                        decided_at_stage=k + 1,
                    )
                )
                return remaining[0]
        tie = draw_lot([self.names[c] for c in sorted(remaining)], seed=self.seed, purpose=purpose, stage=stage)
        self.ties.append(tie)
        return self.names.index(tie.outcome)

    # ---- stages ------------------------------------------------------------------------------
    def end_stage(
        self,
        kind: Literal["first preferences", "surplus", "exclusion"],
        subject: int | None,
        action: str,
        before: list[int],
        transfer_values: tuple[int, ...] = (),
    ) -> None:
        reached = [c for c in self.continuing() if self.total[c] >= self.quota_units]
        reached.sort(key=lambda c: (-self.total[c], c))
        newly: list[int] = []
        for c in reached:
            if self.vacancies() == 0:
                break  # more reached the quota than there are seats: cannot happen with a Droop quota
            self.status[c] = ELECTED
            self.elected.append(c)
            newly.append(c)
            if self.total[c] > self.quota_units:
                self.pending.append(c)
        rest = self.continuing()
        if 0 < len(rest) <= self.vacancies():
            # Filling of last vacancies: the continuing candidates are deemed elected.
            for c in sorted(rest, key=lambda c: (-self.total[c], c)):
                self.status[c] = ELECTED
                self.elected.append(c)
                self.without_quota.append(c)
                newly.append(c)
        standing = self.standing()
        self.history.append(tuple(self.total))
        self.stages.append(
            StvStage(
                stage=len(self.history),
                kind=kind,
                subject=None if subject is None else self.names[subject],
                action=action,
                totals={self.names[c]: self.dec(self.total[c]) for c in standing},
                changes=(
                    {}
                    if kind == "first preferences"
                    else {
                        self.names[c]: self.dec(self.total[c] - before[c])
                        for c in standing
                        if self.total[c] != before[c]
                    }
                ),
                non_transferable=self.dec(self.non_transferable),
                lost_to_fractions=self.dec(self.lost),
                elected=tuple(self.names[c] for c in newly),
                excluded=(self.names[subject],) if kind == "exclusion" and subject is not None else (),
                transfer_values=tuple(self.dec(v) for v in transfer_values),
            )
        )

    def move(self, bundle: list[int], value: int, stage: int, moved: list[int]) -> None:
        """Pass ``bundle``'s papers on at ``value``, to the next continuing preference or out."""
        s, pos, count, _old, _received = bundle
        nxt = self.next_preference(s, pos)
        if nxt is None:
            self.non_transferable += count * value
        else:
            to, to_pos = nxt
            self.total[to] += count * value
            moved[0] += count * value
            if value:
                self.bundles[to].append([s, to_pos, count, value, stage])

    def transfer_surplus(self, c: int) -> None:
        stage = len(self.history) + 1
        before = list(self.total)
        surplus = self.total[c] - self.quota_units
        total = self.total[c]
        moved = [0]
        values: set[int] = set()
        if self.rules.surplus == "all papers":
            # Every paper, at (surplus x its value) / total, truncated: WIGM.
            lost_before = self.non_transferable
            for bundle in self.bundles[c]:
                value = surplus * bundle[3] // total
                values.add(value)
                self.move(bundle, value, stage, moved)
            self.lost += surplus - moved[0] - (self.non_transferable - lost_before)
        else:
            # Only the last sub-parcel received (all papers if the surplus is on first
            # preferences), each transferable paper at surplus / number of such papers,
            # truncated, never more than the value at which it was received.
            bundles = self.bundles[c]
            last = max(b[4] for b in bundles)
            parcel = [b for b in bundles if b[4] == last]
            transferable = [b for b in parcel if self.next_preference(b[0], b[1]) is not None]
            papers = sum(b[2] for b in transferable)
            capped = False
            if papers:
                share = surplus // papers
                for bundle in transferable:
                    value = min(share, bundle[3])
                    capped = capped or value < share
                    values.add(value)
                    self.move(bundle, value, stage, moved)
            remainder = surplus - moved[0]
            if papers == 0 or capped:
                self.non_transferable += remainder
            else:
                self.lost += remainder
        self.total[c] = self.quota_units
        self.bundles[c] = []
        self.pending.remove(c)
        self.end_stage(
            "surplus",
            c,
            f"Transfer of the surplus of {self.names[c]} ({self.fmt(surplus)})",
            before,
            tuple(sorted(values, reverse=True)),
        )

    def exclude(self, c: int) -> None:
        stage = len(self.history) + 1
        before = list(self.total)
        votes = self.total[c]
        self.status[c] = EXCLUDED
        moved = [0]
        for bundle in self.bundles[c]:
            self.move(bundle, bundle[3], stage, moved)
        self.total[c] = 0
        self.bundles[c] = []
        self.end_stage("exclusion", c, f"Exclusion of {self.names[c]} ({self.fmt(votes)})", before)

    def run(self, title: str, withdrawn: tuple[str, ...]) -> StvResult:
        self.end_stage("first preferences", None, "First preferences", list(self.total))
        while self.vacancies() > 0 and self.continuing():
            if self.pending:
                top = max(self.total[c] for c in self.pending)
                tied = [c for c in self.pending if self.total[c] == top]
                self.transfer_surplus(self.choose(tied, highest=True, purpose="surplus order"))
            else:
                rest = self.continuing()
                low = min(self.total[c] for c in rest)
                tied = [c for c in rest if self.total[c] == low]
                self.exclude(self.choose(tied, highest=False, purpose="exclusion"))
        return StvResult(
            system=self.rules.system,
            title=title,
            candidates=tuple(self.names[c] for c in self.standing()),
            seats=self.seats,
            valid_votes=self.valid,
            quota=self.quota,
            places=self.rules.places,
            elected=tuple(self.names[c] for c in self.elected),
            stages=tuple(self.stages),
            tie_breaks=tuple(self.ties),
            withdrawn=withdrawn,
            elected_without_quota=tuple(self.names[c] for c in self.without_quota),
        )


def count_stv(election: Election, rules: StvRules, *, seed: int | None = None) -> StvResult:
    withdrawn = tuple(election.names[i] for i in sorted(election.withdrawn))
    return _Count(election, rules, seed).run(election.title, withdrawn)


def check_conservation(result: StvResult) -> Mapping[int, Decimal]:
    """For each stage, valid votes minus (totals + non-transferable + lost). All zero if sound."""
    return {
        stage.stage: Decimal(result.valid_votes)
        - (sum(stage.totals.values(), Decimal(0)) + stage.non_transferable + stage.lost_to_fractions)
        for stage in result.stages
    }
