"""Scottish local government STV: the Scottish Local Government Elections Order 2011 (SSI 2011/399).

The counting rules are Sch 1 rr.46–53 of SSI 2011/399, which remade the 2007 Order's rules
(SSI 2007/42 Sch 1 rr.45–52) one number higher (shared/data/stv-glasgow-2022/SOURCE.md). The
text read for this module is the 2007 Order's (legislation.gov.uk, ssi/2007/42/schedule/1/
paragraph/48/made, and the full rules text reproduced in the Droop project's Scottish rule);
that the 2011 text is the same in substance is **unconfirmed** beyond the numbering, which is
confirmed by the 2011 Order's art.2 definition of "continuing candidate" ("not excluded ...
under rule 51"). Rule numbers below are the 2011 ones, with the 2007 ones in brackets.

- **First stage** r.46 (45): sort the valid papers by first preference; each credits its
  candidate with one vote; record the total of valid papers.
- **Quota** r.47 (46): valid papers ÷ (councillors + 1), ignoring decimals, plus one.
- **Return** r.48 (47): a candidate whose votes equal or exceed the quota at any stage is
  deemed elected.
- **Transfer of a surplus** r.49 (48): if a candidate's votes exceed the quota and vacancies
  remain, **all** the papers the candidate received are sorted by next available preference
  for a continuing candidate; each transferable paper goes on at the transfer value
  (surplus × the paper's value when received) ÷ (total votes credited to the candidate),
  "calculated to five decimal places (any remainder being ignored)" — the weighted inclusive
  Gregory method (WIGM). A first-preference paper's value is one. Papers with no next
  preference are non-transferable and their share of the surplus is not passed on.
- **Order of surpluses** r.50 (49): the highest surplus first; equal surpluses: the candidate
  with the most votes at the end of the **most recent preceding stage** at which they had
  unequal votes; equal at every stage: by lot. (The brief for this module said "earliest
  stage"; the rule text read says most recent, and that is what is implemented.)
- **Exclusion** r.51 (50): when no surplus remains to transfer, the candidate with the fewest
  votes is excluded and all their papers are transferred **in one stage**, each at the value
  at which the candidate received it (one for first preferences). The brief also mentioned
  transferring "highest-value sub-parcels first"; the 2007 text read has no such ordering
  (one stage, every parcel), so none is applied — **unconfirmed** for the 2011 text.
- **Ties at exclusion** r.52 (51): the candidate with the fewest votes at the end of the most
  recent preceding stage at which they were unequal; equal at every stage: by lot.
- **Filling the last vacancies** r.53 (52): when the continuing candidates are as many as the
  vacancies, they are deemed elected and no further transfer is made.

Reporting choices (not law): candidates reaching the quota at the same stage are listed in
order of votes; each stage reports running totals of non-transferable votes and of the value
lost to the five-decimal truncation ("lost to fractions"), so that at every stage
``sum(totals) + non_transferable + lost_to_fractions == valid votes`` exactly.
"""

from __future__ import annotations

from ems_rules.count._stv import StvRules, count_stv
from ems_rules.count.blt import Election
from ems_rules.count.types import StvResult

SCOTLAND = StvRules(system="stv-scotland", places=5, surplus="all papers", lookback="most recent")


def count_stv_scotland(election: Election, *, seed: int | None = None) -> StvResult:
    """Count a Scottish local government election (SSI 2011/399 Sch 1 rr.46–53).

    ``seed`` is the recorded seed for any lot (``ems_rules.count.lots``); without one, a tie
    that needs a lot raises ``LotRequiredError``."""
    return count_stv(election, SCOTLAND, seed=seed)
