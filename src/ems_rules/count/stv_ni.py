"""Northern Ireland STV: the Local Elections Rules, Electoral Law Act (Northern Ireland) 1962
Sch 5 (substituted by the Local Elections (Northern Ireland) Order 1985, SI 1985/454).

**Confirmed** (legislation.gov.uk, apni/1962/14/schedule/5/paragraph/49, read for this module):

- r.49(1)–(4): where a candidate's **first-preference** votes exceed the quota, all the
  candidate's papers are sorted by next available preference for a continuing candidate; each
  transferable paper goes on at a transfer value that "reduces the value of each vote
  transferred so that the total value of all such votes does not exceed the surplus" and "is
  calculated by dividing the surplus ... by the total number of the ballot papers on which
  those votes are given, the calculation being made to **two decimal places (ignoring the
  remainder if any)**". Papers with no next preference form the non-transferable sub-parcel
  and are not counted in the divisor.
- r.49(5): a surplus that arises **after a transfer** is taken from the sub-parcel of
  transferred votes "which was last received by that candidate" only (the Gregory method on
  the last parcel), sorted in the same way.

**Unconfirmed** (not read in a primary source; the same as the Scottish rules or the usual
Irish-style rules, and to be checked before use at a real count):

- the quota, floor(valid ÷ (seats + 1)) + 1;
- that a transfer value is never more than the value at which the paper was received, and
  that where the transferable papers are worth less than the surplus they pass at that value
  and the rest of the surplus is non-transferable (read from r.49(4)(a) "reduces");
- that an excluded candidate's papers all pass in one stage at the values received;
- the order of equal surpluses and the choice between candidates equal for exclusion: decided
  by the **earliest** stage at which they had unequal votes, then by lot (the brief for this
  module; the Scottish rules use the most recent stage instead);
- that there is no deferral of surpluses and no bulk exclusion (both exist in some STV rules);
- that the NI Assembly uses the same counting rules (its elections rules apply the local
  rules with modifications; the modifications were not read).

The same counting machine as the Scottish rules is used (``ems_rules.count._stv``), with two
decimal places and the last-parcel surplus.
"""

from __future__ import annotations

from ems_rules.count._stv import StvRules, count_stv
from ems_rules.count.blt import Election
from ems_rules.count.types import StvResult

NORTHERN_IRELAND = StvRules(system="stv-ni", places=2, surplus="last parcel", lookback="earliest")


def count_stv_ni(election: Election, *, seed: int | None = None) -> StvResult:
    """Count a Northern Ireland STV election (Electoral Law Act (NI) 1962 Sch 5 r.49; see the
    module docstring for what is unconfirmed)."""
    return count_stv(election, NORTHERN_IRELAND, seed=seed)
