"""Indexes for the officers' register search (``ems.register.selectors.elector_search_for_user``).

PostgreSQL: trigram GIN indexes (``pg_trgm``) so that name and address fragments ("smi",
"church r") are found by index, wherever they fall in the text. Django's ``icontains`` and
``istartswith`` compile to ``UPPER(col::text) LIKE UPPER(%s)``, so the indexes are on
``UPPER(col)``: the planner only uses an expression index whose expression matches the query's.
pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it.

SQLite: it cannot index an infix ``LIKE '%smi%'`` at all, but it can use an index for a prefix
``LIKE 'smi%'`` when the column is indexed with ``COLLATE NOCASE`` (its LIKE is
case-insensitive). These serve the indexed paths of the search: surname prefixes and outward
postcodes. Other fragments are matched by scanning the authority's rows.

Other databases get no extra index. The indexes are not in the model state (they depend on
the database), so ``makemigrations`` never tries to add or drop them.
"""

from typing import Any

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS register_elector_surname_trgm"
    " ON register_elector USING gin (UPPER(surname::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS register_elector_first_names_trgm"
    " ON register_elector USING gin (UPPER(first_names::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS register_property_address_1_trgm"
    " ON register_property USING gin (UPPER(address_1::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS register_property_address_2_trgm"
    " ON register_property USING gin (UPPER(address_2::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS register_property_address_3_trgm"
    " ON register_property USING gin (UPPER(address_3::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS register_property_postcode_trgm"
    " ON register_property USING gin (UPPER(postcode::text) gin_trgm_ops)",
]
PG_REVERSE = [
    "DROP INDEX IF EXISTS register_elector_surname_trgm",
    "DROP INDEX IF EXISTS register_elector_first_names_trgm",
    "DROP INDEX IF EXISTS register_property_address_1_trgm",
    "DROP INDEX IF EXISTS register_property_address_2_trgm",
    "DROP INDEX IF EXISTS register_property_address_3_trgm",
    "DROP INDEX IF EXISTS register_property_postcode_trgm",
]
SQLITE_FORWARD = [
    "CREATE INDEX IF NOT EXISTS register_elector_surname_nocase"
    " ON register_elector (authority_id, surname COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS register_property_postcode_nocase"
    " ON register_property (authority_id, postcode COLLATE NOCASE)",
]
SQLITE_REVERSE = [
    "DROP INDEX IF EXISTS register_elector_surname_nocase",
    "DROP INDEX IF EXISTS register_property_postcode_nocase",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("register", "0004_seed_franchise_markers")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE}),
            elidable=False,
        ),
    ]
