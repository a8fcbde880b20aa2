"""Exact count engines: STV (Scotland, Northern Ireland), FPTP, referendums, the supplementary
vote, D'Hondt and the additional member system.

Pure Python (no Django, no ``ems``). Every engine works in integers, ``Decimal`` and
``Fraction`` — never ``float`` — returns the elected in order of election with a full report,
and records every tie decided by an earlier stage or by lot (``lots``: a recorded integer seed,
so that a recount reproduces the draw). Bad input raises ``CountInputError`` with one line.
Statutes and guidance are cited in each module; docs/legal-sources-count.md indexes them.
"""

from ems_rules.count.ams import allocate_ams
from ems_rules.count.blt import Ballot, Candidate, Election, parse_blt, read_blt
from ems_rules.count.dhondt import allocate_dhondt
from ems_rules.count.fptp import count_fptp
from ems_rules.count.referendum import Threshold, count_referendum
from ems_rules.count.stv_ni import count_stv_ni
from ems_rules.count.stv_scotland import count_stv_scotland
from ems_rules.count.sv import count_sv, count_sv_papers
from ems_rules.count.types import CountInputError, LotRequiredError, TieBreak

__all__ = [
    "Ballot",
    "Candidate",
    "CountInputError",
    "Election",
    "LotRequiredError",
    "Threshold",
    "TieBreak",
    "allocate_ams",
    "allocate_dhondt",
    "count_fptp",
    "count_referendum",
    "count_stv_ni",
    "count_stv_scotland",
    "count_sv",
    "count_sv_papers",
    "parse_blt",
    "read_blt",
]
