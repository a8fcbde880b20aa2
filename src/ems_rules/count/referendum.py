"""Referendum counts: votes for each answer, the majority, and optional thresholds.

- A referendum is decided by a simple majority of the valid votes unless the Act that calls
  it says otherwise (e.g. EU Referendum Act 2015; PPERA 2000 Part VII, s.128 for the Chief
  Counting Officer's certificate — section numbers **unconfirmed**). Rejected ballot papers
  are not votes: the heads are no official mark, voting for both answers, writing or mark
  identifying the voter, and unmarked or void for uncertainty (PVSCA 2011 Sch 2 para 42,
  elections.md §7.2).
- **Equal votes**: no lot is drawn in a referendum (no provision for one was found); the
  result reports no majority answer. **Unconfirmed**.
- **Thresholds** some Acts add, all decided exactly (integers and fractions, never rounded):
  ``share of electorate`` — the answer must be given by at least that percentage of the
  electorate (Scotland Act 1978 s.85, the "40% rule" of the 1979 devolution referendum: an
  order to repeal the Act was to be laid if fewer than 40% of those entitled to vote voted
  "Yes"; section number **unconfirmed**, rule from en.wikipedia.org/wiki/1979_Scottish_
  devolution_referendum); ``turnout`` — ballot papers counted as a percentage of the
  electorate; ``share of votes`` — the answer's share of the valid votes.
- **Turnout** is ballot-box turnout: valid plus rejected ballot papers counted, over the
  electorate (elections.md §7.4; the EC's 72.2% for the 2016 EU referendum is 33,577,342 ÷
  46,500,001).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from ems_rules.count.types import CountInputError, ReferendumResult, ThresholdCheck

ThresholdKind = Literal["share of electorate", "turnout", "share of votes"]


@dataclass(frozen=True, slots=True)
class Threshold:
    kind: ThresholdKind
    percent: Decimal
    answer: str | None = None  # required for the two "share" kinds


def _percent(part: int, whole: int) -> tuple[Fraction, Decimal]:
    exact = Fraction(part * 100, whole)
    shown = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return exact, shown


def count_referendum(
    votes: Mapping[str, int],
    *,
    rejected: int = 0,
    electorate: int | None = None,
    thresholds: Sequence[Threshold] = (),
) -> ReferendumResult:
    """Count a referendum from the votes for each answer (at least two answers)."""
    if len(votes) < 2:
        raise CountInputError(f"a referendum needs at least two answers, not {len(votes)}")
    for answer, n in votes.items():
        if n < 0:
            raise CountInputError(f"votes for {answer!r} must not be negative, not {n}")
    if rejected < 0:
        raise CountInputError(f"rejected ballot papers must not be negative, not {rejected}")
    valid = sum(votes.values())
    papers = valid + rejected
    if electorate is not None and (electorate <= 0 or papers > electorate):
        raise CountInputError(f"electorate {electorate} is not a positive number at least the {papers} papers counted")
    ranked = sorted(votes, key=lambda a: -votes[a])
    margin = votes[ranked[0]] - votes[ranked[1]]
    majority = ranked[0] if margin > 0 else None
    turnout = None if electorate is None else _percent(papers, electorate)[1]
    checks: list[ThresholdCheck] = []
    for t in thresholds:
        need = Fraction(t.percent)
        if t.kind == "turnout":
            base, part = electorate, papers
        else:
            if t.answer is None or t.answer not in votes:
                raise CountInputError(f"threshold answer {t.answer!r} is not one of the answers")
            part = votes[t.answer]
            base = electorate if t.kind == "share of electorate" else valid
        if base is None or base == 0:
            raise CountInputError(f"a {t.kind} threshold needs the {'electorate' if base is None else 'valid votes'}")
        exact, shown = _percent(part, base)
        checks.append(ThresholdCheck(t.kind, t.percent, t.answer, shown, exact >= need))
    return ReferendumResult(
        totals=dict(votes),
        valid_votes=valid,
        rejected=rejected,
        ballot_papers=papers,
        electorate=electorate,
        turnout=turnout,
        majority_answer=majority,
        margin=margin,
        thresholds=tuple(checks),
    )
