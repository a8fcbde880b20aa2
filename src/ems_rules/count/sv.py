"""The supplementary vote (SV): historic mayoral and police and crime commissioner elections.

Each voter marks a first and (optionally) a second preference. The count:

1. First preferences are counted. A candidate with more than half of the valid first-preference
   votes is elected (**unconfirmed** wording; Local Government Act 2000 Sch 2, Greater London
   Authority Act 1999 Sch 2 — paragraph numbers not read).
2. Otherwise the two candidates with the most first preferences remain and every other
   candidate is eliminated. The returning officer then counts "the number of second preference
   votes for each of the candidates remaining in the contest given by voters who did not give
   their first preference vote to any of those candidates", and adds them to the first
   preferences to give each candidate's total (Combined Authority Mayoral Elections Rules,
   SI 2017/67 Sch 1 rr.55(1) and 56(1), read on legislation.gov.uk). A second preference is
   counted only if the paper has a valid first preference (r.55(2)); a second preference for
   the same candidate as the first adds nothing.
3. The remaining candidate with the larger total is elected.

**Ties** (equal second place, or equal totals) are decided by lot (``lots``) — **unconfirmed**
for SV specifically; the general "equality of votes" rule is in elections.md §7.3.

SV is **historic**: it applied to the Mayor of London, local and combined authority mayors and
police and crime commissioners until the Elections Act 2022 s.13 replaced it with first past
the post for polls from May 2024. The periods in ``SV_IN_USE`` are data with validity dates;
their exact start and end dates are **unconfirmed** (not read in the commencement orders).

Two input shapes: ballot papers as (first, second, number) rows (``count_sv_papers``), or the
published aggregates — first preferences for every candidate and, for each candidate, the
second preferences counted for them from papers of eliminated candidates
(``count_sv``), as London Elects and returning officers publish them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ems_rules.count.lots import draw_lot
from ems_rules.count.types import CountInputError, SupplementaryVoteResult, TieBreak


@dataclass(frozen=True, slots=True)
class SvUse:
    """An office elected by the supplementary vote from ``valid_from`` to ``valid_to`` (inclusive)."""

    office: str
    valid_from: dt.date
    valid_to: dt.date | None
    source: str

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


_LAST_SV_DAY = dt.date(2024, 5, 1)  # polls from 2 May 2024 used FPTP: Elections Act 2022 s.13 (**unconfirmed** date)
SV_IN_USE: tuple[SvUse, ...] = (
    SvUse("Mayor of London", dt.date(2000, 5, 4), _LAST_SV_DAY, "GLA Act 1999 s.4, Sch 2 (unconfirmed dates)"),
    SvUse(
        "local authority mayor",
        dt.date(2002, 5, 2),
        _LAST_SV_DAY,
        "Local Government Act 2000 s.42, Sch 2 (unconfirmed dates)",
    ),
    SvUse(
        "combined authority mayor", dt.date(2017, 5, 4), _LAST_SV_DAY, "SI 2017/67 Sch 1 rr.55-56 (unconfirmed dates)"
    ),
    SvUse(
        "police and crime commissioner",
        dt.date(2012, 11, 15),
        _LAST_SV_DAY,
        "Police Reform and Social Responsibility Act 2011 Sch 9 (unconfirmed dates)",
    ),
)


def supplementary_vote_applies(office: str, poll_date: dt.date) -> bool:
    """Whether a poll for ``office`` on ``poll_date`` was counted by the supplementary vote."""
    return any(use.office == office and use.in_force(poll_date) for use in SV_IN_USE)


def _decide(
    first: Mapping[str, int],
    seconds_for: Callable[[tuple[str, str]], Mapping[str, int]],
    seed: int | None,
) -> SupplementaryVoteResult:
    if len(first) < 2:
        raise CountInputError(f"a supplementary vote count needs at least two candidates, not {len(first)}")
    for name, n in first.items():
        if n < 0:
            raise CountInputError(f"first-preference votes for {name!r} must not be negative, not {n}")
    valid = sum(first.values())
    names = list(first)
    ranked = sorted(names, key=lambda n: -first[n])
    if valid and 2 * first[ranked[0]] > valid:
        return SupplementaryVoteResult(
            first=dict(first), elected=ranked[0], decided_on_first_preferences=True, top_two=(), second={}, final={}
        )
    ties: list[TieBreak] = []
    top = first[ranked[0]]
    leaders = [n for n in names if first[n] == top]
    if len(leaders) >= 2:
        pool, keep = leaders, []
    else:
        keep = [ranked[0]]
        runner = first[ranked[1]]
        pool = [n for n in names if first[n] == runner]
    while len(keep) < 2:
        if len(pool) == 2 - len(keep):
            keep += pool
            break
        tie = draw_lot(pool, seed=seed, purpose="top two", stage=1)
        ties.append(tie)
        keep.append(tie.outcome)
        pool = [n for n in pool if n != tie.outcome]
    top_two = (keep[0], keep[1]) if names.index(keep[0]) < names.index(keep[1]) else (keep[1], keep[0])
    counted = seconds_for(top_two)
    second = {n: counted.get(n, 0) for n in top_two}
    for name, n in second.items():
        if n < 0:
            raise CountInputError(f"second-preference votes for {name!r} must not be negative, not {n}")
    final = {n: first[n] + second[n] for n in top_two}
    a, b = top_two
    if final[a] != final[b]:
        elected = a if final[a] > final[b] else b
    else:
        tie = draw_lot(list(top_two), seed=seed, purpose="equality of votes", stage=2)
        ties.append(tie)
        elected = tie.outcome
    return SupplementaryVoteResult(
        first=dict(first),
        elected=elected,
        decided_on_first_preferences=False,
        top_two=top_two,
        second=second,
        final=final,
        tie_breaks=tuple(ties),
    )


def count_sv(
    first: Mapping[str, int], second: Mapping[str, int], *, seed: int | None = None
) -> SupplementaryVoteResult:
    """Count from published aggregates.

    ``second[c]`` is the number of second preferences for ``c`` on papers whose first
    preference was for a candidate other than the two remaining (only the top two's figures
    are used). Unknown names in ``second`` are an error."""
    unknown = sorted(set(second) - set(first))
    if unknown:
        raise CountInputError(f"second preferences given for unknown candidate(s): {', '.join(unknown)}")
    return _decide(first, lambda _top_two: second, seed)


def count_sv_papers(
    candidates: Sequence[str],
    papers: Iterable[tuple[str, str | None, int]],
    *,
    seed: int | None = None,
) -> SupplementaryVoteResult:
    """Count from ballot papers grouped as (first preference, second preference or None, number)."""
    known = set(candidates)
    if len(known) != len(candidates):
        raise CountInputError("candidate names must be distinct")
    first = dict.fromkeys(candidates, 0)
    pairs: dict[tuple[str, str | None], int] = {}
    for one, two, n in papers:
        if one not in known:
            raise CountInputError(f"unknown first-preference candidate {one!r}")
        if two is not None and two not in known:
            raise CountInputError(f"unknown second-preference candidate {two!r}")
        if n < 0:
            raise CountInputError(f"number of papers must not be negative, not {n}")
        first[one] += n
        pairs[(one, two)] = pairs.get((one, two), 0) + n

    def seconds_for(top_two: tuple[str, str]) -> Mapping[str, int]:
        counted = dict.fromkeys(top_two, 0)
        for (one, two), n in pairs.items():
            if two is not None and one not in top_two and two in top_two:
                counted[two] += n
        return counted

    return _decide(first, seconds_for, seed)
