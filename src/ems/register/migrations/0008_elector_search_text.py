"""The elector search key (``ems.register.search``): the column, its value for existing
electors, and on PostgreSQL one trigram index on it in place of the two on the names."""

from typing import Any

from django.db import migrations, models

PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS register_elector_search_trgm ON register_elector USING gin (search_text gin_trgm_ops)",
    "DROP INDEX IF EXISTS register_elector_surname_trgm",
    "DROP INDEX IF EXISTS register_elector_first_names_trgm",
]
PG_REVERSE = [
    "DROP INDEX IF EXISTS register_elector_search_trgm",
    "CREATE INDEX IF NOT EXISTS register_elector_surname_trgm"
    " ON register_elector USING gin (UPPER(surname::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS register_elector_first_names_trgm"
    " ON register_elector USING gin (UPPER(first_names::text) gin_trgm_ops)",
]


def fill_search_text(apps: Any, schema_editor: Any) -> None:
    from ems.register.search import SEARCHED_ADDRESS_LINES, search_text

    Elector = apps.get_model("register", "Elector")
    batch = []
    for elector in Elector._base_manager.select_related("property").iterator(chunk_size=5000):
        prop = elector.property
        lines = [getattr(prop, name) for name in SEARCHED_ADDRESS_LINES] if prop is not None else []
        elector.search_text = search_text(elector.first_names, elector.surname, lines)
        batch.append(elector)
        if len(batch) == 5000:
            Elector._base_manager.bulk_update(batch, ["search_text"])
            batch = []
    Elector._base_manager.bulk_update(batch, ["search_text"])


def _indexes(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("register", "0007_supply_request")]

    operations = [
        migrations.AddField(
            model_name="elector",
            name="search_text",
            field=models.TextField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                help_text="Names and address lines 1-3, upper-cased, for the search box (ems.register.search)",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(_indexes(PG_FORWARD), _indexes(PG_REVERSE), elidable=False),
    ]
