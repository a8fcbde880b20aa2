"""Fast inserts for large loads: COPY on PostgreSQL, executemany on SQLite, bulk_create otherwise.

Django's ``bulk_create`` spends ~0.2 ms per row building SQL, which is minutes for a million
electors. These helpers take plain tuples for named columns and return the new primary keys.
Callers run them inside their own transaction (and write their own audit row).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _allocate_ids(cursor: Any, table: str, count: int) -> list[int]:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [r[0] for r in cursor.fetchall()]
    # SQLite: our transactions are IMMEDIATE, so nobody else inserts between reading and using.
    qn = connection.ops.quote_name
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")  # noqa: S608 - our table name
    top = int(cursor.fetchone()[0])
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    seq = cursor.fetchone()
    first = max(top, int(seq[0]) if seq else 0) + 1
    return list(range(first, first + count))


def fast_insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Insert ``rows`` (values for ``columns``, without ``id``) and return their new ids in order."""
    if not rows:
        return []
    table = model._meta.db_table
    if connection.vendor not in ("postgresql", "sqlite"):
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=2000)
        return [o.pk for o in objects]
    with connection.cursor() as cursor:
        ids = _allocate_ids(cursor, table, len(rows))
        all_columns = ("id", *columns)
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(all_columns)}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
        else:
            qn = connection.ops.quote_name
            placeholders = ", ".join(["%s"] * len(all_columns))
            cursor.executemany(
                f"INSERT INTO {qn(table)} ({', '.join(all_columns)}) VALUES ({placeholders})",  # noqa: S608
                [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
            )
    return ids


def refresh_statistics(*models_: type[models.Model]) -> None:
    """After a bulk load, let PostgreSQL's planner see the new rows (autovacuum may not have yet).

    Without it, a freshly loaded million-row register is planned as if it held a few hundred
    rows, and searches take tens of milliseconds longer each.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
