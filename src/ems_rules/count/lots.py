"""Deciding ties by lot, reproducibly.

The law leaves equalities that nothing else decides to the returning officer, "by lot":

- FPTP: where an equality of votes exists and the addition of a vote would entitle a candidate
  to be elected, the returning officer decides by lot and proceeds as if the winner had an
  extra vote (RPA 1983 Sch 1 (parliamentary elections rules) r.49; the local elections rules
  have the same rule; EC guidance "Equality of votes", elections.md §7.3).
- Scottish STV: the order of equal surpluses and the choice of whom to exclude, once every
  earlier stage was equal too (SSI 2007/42 Sch 1 rr.49(3), 51(2)(b), as remade in SSI 2011/399
  Sch 1 rr.50, 52).
- D'Hondt/AMS and the supplementary vote: see those modules.

The method of drawing is the returning officer's choice (EC: e.g. papers in a box, sealed
envelopes). The EMS draws from a **recorded integer seed** instead, so that the same seed on
the same input always gives the same outcome and a recount reproduces the draw. The seed is
the officer's to choose and record (for example, the number on a physical lot drawn in front
of the agents); every draw is returned as a ``TieBreak`` with the seed, the tied names and the
full drawn order.

The draw is SHA-256 of the seed, the purpose, the stage and each name: the tied names are
ordered by that digest, and the first is the lot's outcome. It does not depend on the order in
which the tied names are given, on the Python version, or on anything else in the process.
Whether an electronic draw of this kind satisfies "by lot" in a given election is for the
returning officer; that it does is **unconfirmed** (no guidance on electronic lots was found).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ems_rules.count.types import LotRequiredError, TieBreak


def draw_order(names: Sequence[str], *, seed: int, purpose: str, stage: int) -> tuple[str, ...]:
    """Every tied name in drawn order (the first is the one the lot falls on)."""
    if len(set(names)) != len(names):
        raise ValueError("a lot needs distinct names")

    def key(name: str) -> tuple[str, str]:
        text = f"{seed}\x1f{purpose}\x1f{stage}\x1f{name}"
        return (hashlib.sha256(text.encode("utf-8")).hexdigest(), name)

    return tuple(sorted(names, key=key))


def draw_lot(names: Sequence[str], *, seed: int | None, purpose: str, stage: int) -> TieBreak:
    """Draw one of ``names`` by lot and return the record of the draw.

    ``seed`` None means no lot may be drawn: ``LotRequiredError`` names the tie so that the
    count can be run again with a recorded seed."""
    if seed is None:
        raise LotRequiredError(
            f"stage {stage}: {purpose} tie between {', '.join(names)} must be decided by lot; "
            "give a recorded seed (--seed N) to draw it"
        )
    order = draw_order(names, seed=seed, purpose=purpose, stage=stage)
    return TieBreak(
        purpose=purpose,
        stage=stage,
        candidates=tuple(names),
        method="lot",
        outcome=order[0],
        seed=seed,
        order=order,
    )
