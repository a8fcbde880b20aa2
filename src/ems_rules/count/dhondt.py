"""D'Hondt (highest averages) allocation of seats to closed party lists.

Each seat in turn goes to the party (or individual list candidate) with the highest figure
``votes ÷ (seats already held + 1)``; quotients are compared exactly as fractions.

Where it is used:

- **Senedd Cymru from the 2026 election**: 16 constituencies each electing six members from
  closed party lists (and individual candidates) by D'Hondt, with no constituency members and
  no threshold (Senedd Cymru (Members and Elections) Act 2024, amending the Government of
  Wales Act 2006 — section numbers **unconfirmed**, not read).
- **The list part of the additional member system** (``ams``): the same rule with the
  constituency seats a party won counted in its divisor (Scotland Act 1998 ss.7–8; Greater
  London Authority Act 1999 s.4 and Sch 2).
- European Parliament elections in Great Britain used it until 2019.

Rules applied here, with their status:

- A party whose list is exhausted takes no further seat; an individual candidate is a list of
  one (Scotland Act 1998 s.8 — **unconfirmed** wording).
- **Equal highest figures**: if there are at least as many seats left as tied parties, each
  tied party takes a seat (in input order, which changes nothing); if there are fewer seats
  than tied parties, the seats are decided by lot (``lots``). The statutory tie rule (the
  Scotland Act's provision for equal figures) was not read: **unconfirmed**.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from ems_rules.count.lots import draw_lot
from ems_rules.count.types import CountInputError, ListResult, Quotient, TieBreak


def _display(q: Fraction) -> Decimal:
    return (Decimal(q.numerator) / Decimal(q.denominator)).quantize(Decimal("0.000001"))


def allocate_dhondt(
    votes: Mapping[str, int],
    seats: int,
    *,
    already_held: Mapping[str, int] | None = None,
    list_sizes: Mapping[str, int] | None = None,
    seed: int | None = None,
    system: str = "dhondt",
    excluded: tuple[str, ...] = (),
) -> ListResult:
    """Allocate ``seats`` seats to the parties in ``votes``.

    ``already_held``: seats counted in each party's divisor but not allocated here (AMS
    constituency seats). ``list_sizes``: how many candidates each list has (unlimited if not
    given). ``excluded``: parties that take no seat (e.g. below a threshold)."""
    if seats < 0:
        raise CountInputError(f"number of seats must not be negative, not {seats}")
    if not votes:
        raise CountInputError("there are no parties to allocate seats to")
    for party, n in votes.items():
        if n < 0:
            raise CountInputError(f"votes for {party!r} must not be negative, not {n}")
    held = dict(already_held or {})
    unknown = sorted(set(held) - set(votes))
    if unknown:
        raise CountInputError(f"seats held given for party not in the votes: {', '.join(unknown)}")
    sizes = dict(list_sizes or {})
    won = dict.fromkeys(votes, 0)
    rounds: list[Quotient] = []
    ties: list[TieBreak] = []
    while len(rounds) < seats:
        open_parties = [
            p for p in votes if p not in excluded and (p not in sizes or won[p] < sizes[p]) and votes[p] > 0
        ]
        if not open_parties:
            raise CountInputError(
                f"only {len(rounds)} of {seats} seats could be filled: no party with votes has candidates left"
            )
        figures = {p: Fraction(votes[p], held.get(p, 0) + won[p] + 1) for p in open_parties}
        best = max(figures.values())
        tied = [p for p in open_parties if figures[p] == best]
        left = seats - len(rounds)
        if len(tied) > left:
            winners: list[str] = []
            pool = list(tied)
            for _ in range(left):
                tie = draw_lot(pool, seed=seed, purpose="equal highest figures", stage=len(rounds) + 1)
                ties.append(tie)
                winners.append(tie.outcome)
                pool.remove(tie.outcome)
        else:
            winners = tied
        for p in winners:
            divisor = held.get(p, 0) + won[p] + 1
            won[p] += 1
            rounds.append(
                Quotient(round=len(rounds) + 1, party=p, votes=votes[p], divisor=divisor, quotient=_display(best))
            )
    return ListResult(
        system=system,
        seats=seats,
        votes=dict(votes),
        seats_won=won,
        constituency_seats={p: held.get(p, 0) for p in votes} if system == "ams" else {},
        rounds=tuple(rounds),
        excluded_below_threshold=excluded,
        tie_breaks=tuple(ties),
    )
