"""The additional member system (AMS): list seats topping up constituency seats.

- **Scottish Parliament** (Scotland Act 1998 ss.7–8): in each region, seven additional members
  are allocated one at a time to the party with the highest regional figure, its regional
  votes ÷ (constituency seats it won in the region + additional seats already allocated to it
  + 1); an individual regional candidate is a party of one (s.8 wording **unconfirmed**; the
  rule as described in the Commons Library briefing CBP9230 and tested on published results).
  No threshold.
- **Senedd Cymru elections up to 2021**: the same, four members per region (Government of
  Wales Act 2006 s.9 — **unconfirmed**; replaced by closed-list D'Hondt from 2026, see
  ``dhondt``).
- **London Assembly** (Greater London Authority Act 1999 s.4, Sch 2): eleven London members
  allocated the same way on the London-wide list votes, with the constituency seats won
  counted in the divisor, and a party or individual with **less than 5 per cent** of the total
  London-wide votes excluded from the allocation (the 5% threshold is as reported for 2021 in
  the Commons Library briefing CBP9231; the paragraph of Sch 2 is **unconfirmed**).

The threshold is data with validity dates (``LIST_THRESHOLDS``); everything is computed
exactly (shares as fractions), never with floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ems_rules.count.dhondt import allocate_dhondt
from ems_rules.count.types import CountInputError, ListResult


@dataclass(frozen=True, slots=True)
class ListThreshold:
    """The share of the list vote below which a party takes no list seat."""

    body: str
    percent: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    source: str

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


LIST_THRESHOLDS: tuple[ListThreshold, ...] = (
    ListThreshold(
        "London Assembly",
        Decimal(5),
        dt.date(2000, 5, 4),  # first Assembly election (date **unconfirmed** as the start of the rule)
        None,
        "GLA Act 1999 Sch 2 (paragraph unconfirmed); 5% as reported in Commons Library CBP9231",
    ),
)


def list_threshold(body: str, on: dt.date) -> Decimal | None:
    """The list threshold (percent) for ``body`` on ``on``, or None if it has none recorded."""
    for t in LIST_THRESHOLDS:
        if t.body == body and t.in_force(on):
            return t.percent
    return None


def allocate_ams(
    list_votes: Mapping[str, int],
    constituency_seats: Mapping[str, int],
    additional_seats: int,
    *,
    threshold_percent: Decimal | None = None,
    total_valid_votes: int | None = None,
    list_sizes: Mapping[str, int] | None = None,
    seed: int | None = None,
) -> ListResult:
    """Allocate ``additional_seats`` list seats.

    ``constituency_seats`` may name parties with no list (they are ignored). The threshold is
    a percentage of ``total_valid_votes`` (default: the sum of ``list_votes``; give it when the
    votes of small parties are not listed)."""
    total = sum(list_votes.values())
    if total_valid_votes is not None:
        if total_valid_votes < total:
            raise CountInputError(f"total valid votes {total_valid_votes} is less than the {total} listed")
        total = total_valid_votes
    for party, n in constituency_seats.items():
        if n < 0:
            raise CountInputError(f"constituency seats for {party!r} must not be negative, not {n}")
    excluded: tuple[str, ...] = ()
    if threshold_percent is not None:
        if total == 0:
            raise CountInputError("a threshold needs some valid votes")
        need = Fraction(threshold_percent) / 100
        excluded = tuple(p for p, n in list_votes.items() if Fraction(n, total) < need)
    held = {p: n for p, n in constituency_seats.items() if p in list_votes}
    return allocate_dhondt(
        list_votes,
        additional_seats,
        already_held=held,
        list_sizes=list_sizes,
        seed=seed,
        system="ams",
        excluded=excluded,
    )
