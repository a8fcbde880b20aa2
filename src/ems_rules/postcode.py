"""UK postcodes: normalise to the Royal Mail display form ("SW1A 1AA") and validate the format.

Pure Python (no Django, no ``ems``).

**Format source.** The rules are the published UK postcode format, as Royal Mail describes it
for the Postcode Address File (PAF) and as the ONS Postcode Directory (ONSPD) user guide
states it (``pcds``: outward code, one space, inward code):

- an *outward code* of 2–4 characters in one of six shapes — ``A9``, ``A99``, ``AA9``, ``AA99``,
  ``A9A``, ``AA9A`` (A = letter, 9 = digit) — then an *inward code* ``9AA``;
- the first letter is never Q, V or X; the second letter (in ``AA…`` shapes) never I, J or Z;
- the letter in third place of ``A9A`` is one of A B C D E F G H J K P S T U W;
- the letter in fourth place of ``AA9A`` is one of A B E H M N P R V W X Y;
- the two inward letters never include C, I, K, M, O or V.

This is a *format* check, not a look-up: a well-formed postcode that Royal Mail never issued
(or has terminated) passes. Checking existence needs the ONSPD (see
``/work/shared/data/address-samples/onspd``), which is a separate, data-driven step.

**Decisions on the special cases.**

- ``GIR 0AA`` (the former Girobank postcode, still in PAF) is accepted as a documented
  exception to the letter rules.
- ``BFPO 1234`` is *not* a postcode but a forces mail routing number; it is rejected here.
  Service voters are registered at a UK address (registration.md §3.2), and BFPO numbers
  have real postcodes in the ``BF1`` district (e.g. ``BF1 3AA``), which pass as normal.
- Overseas-territory codes shaped like postcodes (``ASCN 1ZZ``, ``STHL 1ZZ``, ``FIQQ 1ZZ``,
  ``GX11 1AA``, …) are rejected: they are not UK postcodes and no UK register address has one.
- The placeholder ``ZZ99 …`` codes used by some NHS systems are rejected by the letter rules.

**Invalid input.** :func:`normalise_postcode` returns ``None`` rather than raising: importers
meet bad postcodes in bulk and decide per record what to do (store blank, report a warning).
Callers that want an exception use :func:`parse_postcode`, which raises :class:`ValueError`.
"""

from __future__ import annotations

import re

_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # not Q, V, X
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # not I, J, Z
_THIRD_A9A = "ABCDEFGHJKPSTUW"
_FOURTH_AA9A = "ABEHMNPRVWXY"
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # not C, I, K, M, O, V

_OUTWARD = (
    f"[{_FIRST}][0-9]",  # A9
    f"[{_FIRST}][0-9][0-9]",  # A99
    f"[{_FIRST}][{_SECOND}][0-9]",  # AA9
    f"[{_FIRST}][{_SECOND}][0-9][0-9]",  # AA99
    f"[{_FIRST}][0-9][{_THIRD_A9A}]",  # A9A
    f"[{_FIRST}][{_SECOND}][0-9][{_FOURTH_AA9A}]",  # AA9A
)
_POSTCODE_RE = re.compile(f"^(?P<outward>{'|'.join(_OUTWARD)})(?P<inward>[0-9][{_INWARD}]{{2}})$")
_WHITESPACE_RE = re.compile(r"\s+")

GIROBANK = "GIR 0AA"
# British Overseas Territories' postcode-shaped codes. Most already fail the letter rules;
# Gibraltar's GX11 does not, so all are listed to make the decision explicit.
NON_UK_OUTWARD = frozenset({"ASCN", "BBND", "BIQQ", "FIQQ", "GX11", "PCRN", "SIQQ", "STHL", "TDCU", "TKCA"})


def _compact(raw: str) -> str:
    return _WHITESPACE_RE.sub("", raw).upper()


def normalise_postcode(raw: str | None) -> str | None:
    """``" sw1a1aa "`` → ``"SW1A 1AA"``; ``None`` if ``raw`` is not a well-formed UK postcode.

    Whitespace anywhere is ignored and letters are upper-cased; nothing else is "corrected"
    (``O`` is not read as ``0``), because guessing would attach an elector to the wrong area.
    """
    if raw is None:
        return None
    compact = _compact(raw)
    if compact == GIROBANK.replace(" ", ""):
        return GIROBANK
    match = _POSTCODE_RE.match(compact)
    if match is None or match["outward"] in NON_UK_OUTWARD:
        return None
    return f"{match['outward']} {match['inward']}"


def parse_postcode(raw: str) -> str:
    """Like :func:`normalise_postcode` but raises :class:`ValueError` for an invalid postcode."""
    normalised = normalise_postcode(raw)
    if normalised is None:
        raise ValueError(f"Not a valid UK postcode: {raw!r}")
    return normalised


def is_valid_postcode(raw: str | None) -> bool:
    return normalise_postcode(raw) is not None


def outward_code(postcode: str) -> str:
    """The outward code (``"SW1A"``) of a valid postcode; raises :class:`ValueError` otherwise."""
    return parse_postcode(postcode).split(" ")[0]
