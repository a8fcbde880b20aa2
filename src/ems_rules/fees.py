"""Prescribed fees for the sale of the register and related documents.

Pure Python (no Django, no ``ems``): callers pass plain values and store the result.

Every fee has the same shape: **a base fee plus a fee for each block of entries, where a part
of a block counts as a whole block**. The law's words are "for each 1,000 entries (or remaining
part of 1,000 entries)" (100 for the list of overseas electors). So 1 entry is one block, 1,000
entries is one block, and 1,001 entries is two blocks. A request with no entries pays only the
base fee. The amounts are **data with validity dates** (``FEE_SCHEDULES``): when an amending
instrument changes a fee, close the record with ``valid_to`` and add a new one. Money is
integer pence, never float.

Documents and amounts (registration.md §8.1 and §16 rows 54–57):

===================================  ======================  ======================  ============
Document                             Data form               Printed form            Block
===================================  ======================  ======================  ============
Full register                        £20 + £1.50 per block   £10 + £5 per block      1,000
Each notice of alteration            £20 + £1.50 per block   £10 + £5 per block      1,000
Open (edited) register               £20 + £1.50 per block   £10 + £5 per block      1,000
List of overseas electors            £20 + £1.50 per block   £10 + £5 per block      100
Marked register / marked AV lists    £10 + £1 per block      £10 + £2 per block      1,000
===================================  ======================  ======================  ============

Sources:

- Full register, notices of alteration and list of overseas electors: EC, *Running electoral
  registration – England*, "Supply of the full register by sale" [S47]. The wording "(or
  remaining part of 1,000 entries)" and "(or remaining part of 100 entries)" was checked on
  that page. The base fee applies to **each register the ERO maintains** (say, each
  constituency register), never per polling district, and no other administration fee may be
  charged [S47]. Each notice of alteration is priced on the same principle [S47], so each
  notice bought pays its own base fee.
- Open (edited) register: EC, edited register sale [S48], with the same "(or remaining part of
  1,000 entries)" wording; Brent Council [S57].
- Marked register and marked absent voter lists: RPR 2001 reg 120, as substituted by the
  Representation of the People (Amendment) Regulations 2008 (SI 2008/1901) reg 5 [S51]. This
  was **confirmed** on legislation.gov.uk: "the sum of £10, plus for a copy (a) in printed
  form, £2 … (b) in data form, £1 for each 1,000 entries (or remaining part of 1,000 entries)
  covered by the request". Under reg 120(3), a request for the same marked register in both
  forms "may be treated as two separate requests". ``sale_fee_pence`` prices one form, so
  such a request costs the sum of the two fees. Who may buy: RPR 2001 reg 117 [S52].

**Unconfirmed** (not found in the sources searched; verify on legislation.gov.uk first):

- The regulation numbers in RPR 2001 Part VI that set the full register, notice, overseas
  list and edited register fees. registration.md cites only EC guidance for these [S47][S48].
  The amounts themselves come from that guidance.
- The start dates. RPR 2001 Part VI (supply of the register) and the edited register came in
  with SI 2002/1871. That instrument's main provisions started on 16 October 2002 (reg 2(2)).
  Which of its provisions set these fees, and whether the amounts have changed since, is
  **unconfirmed**. ``_PART_VI_START`` is therefore a placeholder. SI 2008/1901 came into
  force "the day after the day on which [it was] made". The made date was not found. The
  Lords debated the draft on 2 July 2008 (Hansard), so ``_REG_120_START`` is the earliest
  possible date, 3 July 2008.
- Wales. RPR 2001 extends to England and Wales (reg 1(2)), and SI 2008/1901 reg 5 is headed
  "Fees … in England and Wales", so Wales shares these records. Whether Welsh legislation
  has since changed the fees for Welsh registers is **unconfirmed**.
- Scotland (SI 2001/497) and Northern Ireland have their own regulations. registration.md
  gives no Scottish or Northern Irish fees. SI 2008/1901 reg 8 substitutes a Scottish reg 120
  under the same heading, but its amounts were not seen. No records exist for those nations,
  so ``sale_fee_pence`` raises ``NoFeeScheduleError`` for them rather than guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ems_rules.franchise import Nation


class Document(StrEnum):
    """The documents the law prices for sale (command-line names in brackets)."""

    FULL = "full"  # the full register
    OPEN = "open"  # the open (edited) register
    NOTICES = "notices"  # a notice of alteration to the full register (each notice priced separately)
    OVERSEAS = "overseas"  # the list of overseas electors
    MARKED = "marked"  # marked register / marked absent voter lists (postal, proxy, proxy postal)


DOCUMENT_NAMES: dict[Document, str] = {
    Document.FULL: "full register",
    Document.OPEN: "open (edited) register",
    Document.NOTICES: "notice of alteration",
    Document.OVERSEAS: "list of overseas electors",
    Document.MARKED: "marked register or lists",
}


class Form(StrEnum):
    DATA = "data"
    PRINTED = "printed"


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """One prescribed fee: ``base_pence`` plus ``per_block_pence`` for each ``block_size`` entries or part.

    In force from ``valid_from`` to ``valid_to`` inclusive (None = open-ended), in ``nations``.
    ``unconfirmed`` lists the points of this record not yet checked against the primary source.
    """

    document: Document
    form: Form
    nations: frozenset[Nation]
    base_pence: int
    per_block_pence: int
    block_size: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    unconfirmed: str = ""

    def __post_init__(self) -> None:
        if self.base_pence < 0 or self.per_block_pence < 0 or self.block_size < 1:
            raise ValueError(f"bad fee schedule for {self.document}/{self.form}")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"fee schedule for {self.document}/{self.form} ends before it starts")

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def blocks(self, entries: int) -> int:
        """Whole blocks charged for ``entries``: a remaining part of a block counts as a block."""
        _check_entries(entries)
        return -(-entries // self.block_size)

    def fee_pence(self, entries: int) -> int:
        return self.base_pence + self.blocks(entries) * self.per_block_pence


_ENGLAND_AND_WALES = frozenset({Nation.ENGLAND, Nation.WALES})
_PART_VI_START = dt.date(2002, 10, 16)  # SI 2002/1871 reg 2(2); see "Unconfirmed" above
_REG_120_START = dt.date(2008, 7, 3)  # earliest possible start of SI 2008/1901; see "Unconfirmed" above

_EW_UNCONFIRMED = (
    "RPR 2001 regulation number and valid_from unconfirmed; Wales assumed the same as England (RPR 2001 reg 1(2))"
)
_S47 = "EC England, supply of the full register by sale"
_REG_120_SOURCE = "RPR 2001 reg 120(2), substituted by SI 2008/1901 reg 5; registration.md §8.1, §16 row 57 [S51]"
_REG_120_UNCONFIRMED = "valid_from is the earliest possible commencement of SI 2008/1901 (made date unconfirmed)"


def _schedule(
    document: Document,
    form: Form,
    *,
    base_pence: int,
    per_block_pence: int,
    block_size: int,
    valid_from: dt.date,
    source: str,
    unconfirmed: str,
) -> FeeSchedule:
    return FeeSchedule(
        document=document,
        form=form,
        nations=_ENGLAND_AND_WALES,
        base_pence=base_pence,
        per_block_pence=per_block_pence,
        block_size=block_size,
        valid_from=valid_from,
        valid_to=None,
        source=source,
        unconfirmed=unconfirmed,
    )


def _register_sale(document: Document, block_size: int, source: str) -> tuple[FeeSchedule, FeeSchedule]:
    """Data (£20 + £1.50 a block) and printed (£10 + £5 a block) fees: full register, notices, open, overseas."""
    return (
        _schedule(
            document,
            Form.DATA,
            base_pence=2000,
            per_block_pence=150,
            block_size=block_size,
            valid_from=_PART_VI_START,
            source=source,
            unconfirmed=_EW_UNCONFIRMED,
        ),
        _schedule(
            document,
            Form.PRINTED,
            base_pence=1000,
            per_block_pence=500,
            block_size=block_size,
            valid_from=_PART_VI_START,
            source=source,
            unconfirmed=_EW_UNCONFIRMED,
        ),
    )


FEE_SCHEDULES: tuple[FeeSchedule, ...] = (
    *_register_sale(Document.FULL, 1000, f"{_S47}; registration.md §8.1, §16 row 54 [S47]"),
    *_register_sale(Document.NOTICES, 1000, f"{_S47} (each notice of alteration); registration.md §8.1 [S47]"),
    *_register_sale(Document.OPEN, 1000, "EC, edited register sale; registration.md §8.1, §16 row 56 [S48][S57]"),
    *_register_sale(Document.OVERSEAS, 100, f"{_S47} (per 100 entries); registration.md §8.1, §16 row 55 [S47]"),
    # RPR 2001 reg 120(2)(b) and (a): £10 plus £1 (data) or £2 (printed) per 1,000 entries or remaining part.
    _schedule(
        Document.MARKED,
        Form.DATA,
        base_pence=1000,
        per_block_pence=100,
        block_size=1000,
        valid_from=_REG_120_START,
        source=_REG_120_SOURCE,
        unconfirmed=_REG_120_UNCONFIRMED,
    ),
    _schedule(
        Document.MARKED,
        Form.PRINTED,
        base_pence=1000,
        per_block_pence=200,
        block_size=1000,
        valid_from=_REG_120_START,
        source=_REG_120_SOURCE,
        unconfirmed=_REG_120_UNCONFIRMED,
    ),
)


class NoFeeScheduleError(LookupError):
    """No prescribed fee is recorded for the document, form, nation and date asked about."""


def _check_entries(entries: int) -> None:
    if isinstance(entries, bool) or not isinstance(entries, int):
        raise TypeError(f"entries must be a whole number, not {entries!r}")
    if entries < 0:
        raise ValueError(f"entries cannot be negative ({entries})")


def fee_schedule(
    document: Document | str,
    form: Form | str,
    *,
    on: dt.date,
    nation: Nation | str = Nation.ENGLAND,
    schedules: Iterable[FeeSchedule] = FEE_SCHEDULES,
) -> FeeSchedule:
    """The one ``FeeSchedule`` in force for ``document`` in ``form`` in ``nation`` on ``on``.

    Raises ``ValueError`` for an unknown document, form or nation, and ``NoFeeScheduleError``
    when no record (or more than one) is in force: before the earliest ``valid_from``, and in
    Scotland and Northern Ireland, whose fees are **unconfirmed** (see the module docstring).
    """
    document, form, nation = Document(document), Form(form), Nation(nation)
    what = f"the {DOCUMENT_NAMES[document]} in {form} form in {nation}"
    matches = [s for s in schedules if s.document == document and s.form == form and nation in s.nations]
    if not matches:
        raise NoFeeScheduleError(f"no fee is recorded for {what}")
    in_force = [s for s in matches if s.in_force(on)]
    if not in_force:
        earliest = min(s.valid_from for s in matches)
        raise NoFeeScheduleError(
            f"no fee is recorded for {what} on {on.isoformat()} (the earliest record starts {earliest.isoformat()})"
        )
    if len(in_force) > 1:
        raise NoFeeScheduleError(f"{len(in_force)} fee schedules overlap for {what} on {on.isoformat()}")
    return in_force[0]


def sale_fee_pence(
    document: Document | str,
    form: Form | str,
    entries: int,
    *,
    on: dt.date,
    nation: Nation | str = Nation.ENGLAND,
) -> int:
    """The prescribed fee, in pence, for one copy of ``entries`` entries of ``document`` in ``form``.

    The fee is the base fee plus the per-block fee for each block of entries or remaining part
    of a block (see the module docstring for amounts and sources). No entries means the base
    fee only. Negative entries raise ``ValueError``, and a non-integer raises ``TypeError``.
    Price each register the ERO maintains, and each notice of alteration, as a separate call,
    because each pays its own base fee [S47]. A request for the marked register in both forms
    is two calls (RPR 2001 reg 120(3)).
    """
    _check_entries(entries)
    return fee_schedule(document, form, on=on, nation=nation).fee_pence(entries)


def format_pounds(pence: int) -> str:
    """Pence as pounds for display: ``123450`` → ``"£1,234.50"``; negative amounts get a leading minus."""
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise TypeError(f"pence must be an integer, not {pence!r}")
    pounds, rest = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}£{pounds:,}.{rest:02d}"
