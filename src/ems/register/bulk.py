"""Fast inserts for large loads: COPY on PostgreSQL, executemany on SQLite, bulk_create otherwise.

Django's ``bulk_create`` spends ~0.2 ms per row building SQL, which is minutes for a million
electors. These helpers take plain tuples for named columns and return the new primary keys.
Callers run them inside their own transaction (and write their own audit row).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    """After a bulk load, let the planner see the new rows.

    PostgreSQL: autovacuum may not have analysed them yet, and a freshly loaded million-row
    register is planned as if it held a few hundred rows. SQLite: without ``sqlite_stat1`` it
    cannot tell that ``authority_id`` matches every row, and scans the authority's electors
    instead of looking up a property's (a postcode search at 1M: 180 ms instead of 2 ms).
    """
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(qn(m._meta.db_table) for m in models_)}")
            return
        for model in models_:
            cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")


# A load at least this large, and at least half as large as what the tables already hold, is
# written in bulk-load mode (``bulk_load``); smaller loads keep the indexes live.
BULK_LOAD_MIN_ROWS = 100_000


def _estimated_rows(cursor: Any, table: str) -> int:
    if connection.vendor == "sqlite":
        # The highest rowid: one index look-up, and never less than the rows held.
        cursor.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])
    cursor.execute("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [table])
    row = cursor.fetchone()
    return int(row[0]) if row else 0


@contextmanager
def _sqlite_bulk_load(tables: list[str]) -> Iterator[None]:
    """SQLite's half of ``bulk_load``: drop the tables' non-unique indexes, then recreate them
    from their own ``CREATE INDEX`` text (one sorted build each instead of a million inserts)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",  # noqa: S608
            tables,
        )
        indexes = [(name, sql) for name, sql in cursor.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql.replace("%", "%%"))  # the driver treats % as a placeholder


@contextmanager
def bulk_load(*models_: type[models.Model], incoming_rows: int) -> Iterator[bool]:
    """Load a large batch the way ``pg_restore`` does: without secondary indexes and foreign keys,
    then rebuild them once. Yields whether bulk-load mode is on.

    On PostgreSQL, for a load of at least ``BULK_LOAD_MIN_ROWS`` rows that is at least half the
    size of the tables' current contents, the non-unique indexes and the foreign keys of the tables are
    dropped, the caller writes its rows, and the same definitions are then recreated (each
    foreign key validated in one pass over the table instead of one look-up per row; each GIN
    trigram index built once instead of maintained row by row). Unique indexes and primary keys
    stay, so duplicates are still refused as they arrive. Must run inside the caller's
    transaction: on any error everything, the dropped definitions included, rolls back.

    The price: the tables are locked (ACCESS EXCLUSIVE) until the transaction commits, so other
    authorities' register pages wait for the load. That is why only loads that grow a table by
    half or more use it (rebuilding a GIN index over the whole table is still far cheaper than
    inserting that many rows into it one by one): the migration of a council's register, not
    day-to-day changes.
    On SQLite the same holds for the non-unique indexes (its foreign keys are part of the table
    and are checked at commit); SQLite's DDL is transactional too.
    See ADR 0021.
    """
    if connection.vendor not in ("postgresql", "sqlite") or incoming_rows < BULK_LOAD_MIN_ROWS:
        yield False
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_load must run inside a transaction")
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        if incoming_rows * 2 < max(_estimated_rows(cursor, t) for t in tables):
            yield False
            return
    if connection.vendor == "sqlite":
        with _sqlite_bulk_load(tables):
            yield True
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), ic.relname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid"
            " WHERE c.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        qn = connection.ops.quote_name
        # Altering a table needs its queued foreign-key checks run first (Django's are deferred).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for _table, _definition, name in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield True
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _table, definition, _name in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# The entry JSON of ems.register.services_alterations._entry_of, built by the database itself so
# a million additions cost one statement. Keys and value types must match it (tests compare).
_ENTRY_KEYS = (
    ("polling_district_id", "e.polling_district_id"),
    ("elector_number", "e.elector_number"),
    ("elector_suffix", "e.elector_suffix"),
    ("title", "e.title"),
    ("first_names", "e.first_names"),
    ("surname", "e.surname"),
    ("date_of_birth", "e.date_of_birth"),
    ("markers", "e.markers"),
    ("attainer_date", "e.attainer_date"),
    ("open_register_opt_out", "BOOL:e.open_register_opt_out"),
    ("is_anonymous", "BOOL:e.is_anonymous"),
    ("special_category", "e.special_category"),
    ("property_id", "e.property_id"),
    ("polling_district_code", "d.code"),
    ("ems_elector_id", "e.ems_elector_id"),
    ("address_1", "COALESCE(p.address_1, '')"),
    ("address_2", "COALESCE(p.address_2, '')"),
    ("address_3", "COALESCE(p.address_3, '')"),
    ("address_4", "COALESCE(p.address_4, '')"),
    ("address_5", "COALESCE(p.address_5, '')"),
    ("address_6", "COALESCE(p.address_6, '')"),
    ("postcode", "COALESCE(p.postcode, '')"),
    ("uprn", "p.uprn"),
)


def insert_additions(
    *, authority_id: int, notice_id: int, effective_date: Any, reason: str, where: str, params: Sequence[Any]
) -> None:
    """One "addition" alteration, carrying the entry, for each elector ``e`` matching ``where``
    (SQL over ``register_elector e``), in one INSERT … SELECT: PostgreSQL or SQLite builds the
    JSON, so no entry crosses to Python. Callers run it inside their transaction."""
    postgres = connection.vendor == "postgresql"
    parts = []
    for key, expr in _ENTRY_KEYS:
        if expr.startswith("BOOL:"):
            column = expr[5:]
            expr = column if postgres else f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"
        parts.append(f"'{key}', {expr}")
    build = "jsonb_build_object" if postgres else "json_object"
    now = "NOW()" if postgres else "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')"  # %% escapes the driver's placeholders
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO register_alteration (authority_id, polling_district_id, elector_id, kind, effective_date, "  # noqa: S608 - fixed SQL
            "notice_id, entry, reason, created_at) "
            "SELECT e.authority_id, e.polling_district_id, e.id, 'add', %s, %s, "
            f"{build}({', '.join(parts)}), %s, {now} "
            "FROM register_elector e JOIN geography_pollingdistrict d ON d.id = e.polling_district_id "
            "LEFT JOIN register_property p ON p.id = e.property_id "
            f"WHERE e.authority_id = %s AND {where}",
            [effective_date, notice_id, reason, authority_id, *params],
        )
