"""The search key of an elector: what the officers' one search box matches name and address
fragments against (``selectors.elector_search_for_user``).

``Elector.search_text`` holds the elector's first names, surname and the first three address
lines of their property, upper-cased, in one column. One column means one trigram index on
PostgreSQL (migration 0008), so "john smi" is a single index scan with both fragments instead
of a join of the register with the property base; on SQLite it is one column to scan.

It is derived data, kept current by every write that changes its inputs: the alteration
services (add, amend), the bulk loaders (supply import, demo data) compute it as they write,
and the property writers (gazetteer, polling-data import) call ``refresh_search_text`` for the
properties whose address changed. ``tests/ems/register/test_search_text.py`` checks it against
a recomputation after each kind of write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

SEARCHED_ADDRESS_LINES = ("address_1", "address_2", "address_3")


def search_text(first_names: str, surname: str, address_lines: Iterable[str | None] = ()) -> str:
    """The key, computed in Python only, so every writer (and every database) agrees on it:
    SQLite's ``UPPER`` knows only ASCII."""
    return " ".join(part for part in (first_names, surname, *address_lines) if part).upper()


def elector_search_text(elector: Any) -> str:
    prop = elector.property if elector.property_id else None
    lines = [getattr(prop, name) for name in SEARCHED_ADDRESS_LINES] if prop is not None else []
    return search_text(elector.first_names, elector.surname, lines)


def refresh_search_text(*, property_ids: Sequence[int] = (), elector_ids: Sequence[int] = ()) -> int:
    """Recompute the key of the electors at these properties (and these electors); returns how
    many changed. Callers run it inside their own (audited) transaction."""
    from .models import Elector

    changed = 0
    for field, ids in (("property_id__in", list(property_ids)), ("pk__in", list(elector_ids))):
        for start in range(0, len(ids), 5000):
            electors = Elector.records.filter(**{field: ids[start : start + 5000]}).select_related("property")
            stale = []
            for elector in electors:
                key = elector_search_text(elector)
                if key != elector.search_text:
                    elector.search_text = key
                    stale.append(elector)
            Elector.records.bulk_update(stale, ["search_text"], batch_size=2000)
            changed += len(stale)
    return changed
