"""Gazetteer importers: AddressBase Plus CSV and NLPG/LLPG DTF 8.1 into the property base.

- ``records``: the common :class:`PropertyRecord`, field parsers, address-line and status rules;
- ``addressbase_plus`` and ``dtf``: streaming readers, one record per UPRN;
- ``apply``: change-only comparison and batched writes (called by the write service
  ``ems.register.services_gazetteer.gazetteer_import``, which owns the transaction and audit);
- ``job``: the ``register.gazetteer_import`` job kind (progress, result CSV).

:func:`open_reader` picks the reader; with no format given it looks at the first line.
"""

from __future__ import annotations

import csv
from pathlib import Path

from . import addressbase_plus, dtf
from .records import GazetteerError, PropertyRecord

FORMATS = (addressbase_plus.FORMAT, dtf.FORMAT)
Reader = addressbase_plus.AddressBasePlusReader | dtf.DTFReader

__all__ = ["FORMATS", "GazetteerError", "PropertyRecord", "Reader", "detect_format", "open_reader"]


def detect_format(path: str | Path) -> str:
    """``"dtf"`` or ``"addressbase-plus"`` from the file's first line; :class:`GazetteerError` if neither."""
    name = str(path)
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except FileNotFoundError:
        raise GazetteerError(name, None, "no such file") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise GazetteerError(name, 1, f"not a CSV text file ({exc})") from None
    if dtf.looks_like(first):
        return dtf.FORMAT
    if addressbase_plus.looks_like(first):
        return addressbase_plus.FORMAT
    raise GazetteerError(
        name,
        1,
        "unknown format: the first line is neither a DTF 8.1 header (record type 10) nor an "
        f"AddressBase Plus row ({addressbase_plus.COLUMN_COUNT} fields); give --format",
    )


def open_reader(path: str | Path, format: str | None = None) -> Reader:
    fmt = format or detect_format(path)
    if not Path(path).is_file():
        raise GazetteerError(str(path), None, "no such file")
    if fmt == addressbase_plus.FORMAT:
        return addressbase_plus.AddressBasePlusReader(path)
    if fmt == dtf.FORMAT:
        return dtf.DTFReader(path)
    raise GazetteerError(str(path), None, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
