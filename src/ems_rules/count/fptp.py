"""First past the post, for one seat or several (the "bloc vote" of multi-member wards).

- **One seat**: "the candidate to whom the majority of votes have been given shall be declared
  to have been elected" (RPA 1983 Sch 1, parliamentary elections rules, r.18 as enacted — read
  on legislation.gov.uk, ukpga/1983/2/schedule/1/part/III/enacted).
- **Several seats** (English and Welsh principal-area and parish wards): each voter has as many
  votes as there are seats and the candidates with the most votes fill them (elections.md §7.2;
  Local Elections (Principal Areas) (England and Wales) Rules 2006 and Parishes and Communities
  Rules 2006 — the rule numbers are **unconfirmed**). A paper may be "rejected in part" where
  it is void for uncertainty only as to some votes (Welsh 2021 rules r.60, elections.md §7.2),
  so the count works on votes per candidate, not papers.
- **Equality of votes**: where candidates are equal and the addition of a vote would entitle
  one of them to be elected, the returning officer decides by lot and proceeds as if the
  candidate the lot falls on had an extra vote (parliamentary elections rules r.49; EC,
  "Equality of votes", elections.md §7.3). Here only ties that straddle the last seat are
  drawn; candidates equal with one another but all elected (or all not) need no lot.
- **Sanity check**: with ``ballot_papers`` given (the valid papers counted), the votes cannot
  exceed ballot papers × seats, since no paper carries more votes than there are seats.
"""

from __future__ import annotations

from collections.abc import Mapping

from ems_rules.count.lots import draw_lot
from ems_rules.count.types import CountInputError, PluralityResult, TieBreak


def count_fptp(
    votes: Mapping[str, int],
    seats: int = 1,
    *,
    ballot_papers: int | None = None,
    seed: int | None = None,
) -> PluralityResult:
    """Elect the ``seats`` candidates with the most votes; ``votes`` keeps input order."""
    if seats < 1:
        raise CountInputError(f"number of seats must be at least 1, not {seats}")
    if len(votes) <= seats:
        raise CountInputError(
            f"{seats} seat(s) and {len(votes)} candidate(s): with no more candidates than seats "
            "the election is uncontested and there is no count"
        )
    for name, n in votes.items():
        if n < 0:
            raise CountInputError(f"votes for {name!r} must not be negative, not {n}")
    total = sum(votes.values())
    if ballot_papers is not None:
        if ballot_papers < 0:
            raise CountInputError(f"ballot papers must not be negative, not {ballot_papers}")
        if total > ballot_papers * seats:
            raise CountInputError(
                f"{total} votes is more than {ballot_papers} ballot papers × {seats} seat(s) = {ballot_papers * seats}"
            )
    names = list(votes)
    ranked = sorted(names, key=lambda n: -votes[n])
    cut = votes[ranked[seats - 1]]  # votes of the candidate in the last seat
    sure = [n for n in ranked if votes[n] > cut]
    tied = [n for n in names if votes[n] == cut]  # input order
    ties: list[TieBreak] = []
    places = seats - len(sure)
    chosen: list[str]
    if len(tied) == places:
        chosen = tied
    else:
        chosen = []
        pool = list(tied)
        while len(chosen) < places:
            tie = draw_lot(pool, seed=seed, purpose="last seat" if places == 1 else "equality of votes", stage=1)
            ties.append(tie)
            chosen.append(tie.outcome)
            pool.remove(tie.outcome)
    elected = tuple(sure + chosen)
    majority = None
    if seats == 1:
        runner_up = max(votes[n] for n in names if n != elected[0])
        majority = votes[elected[0]] - runner_up
    return PluralityResult(seats=seats, totals=dict(votes), elected=elected, tie_breaks=tuple(ties), majority=majority)
