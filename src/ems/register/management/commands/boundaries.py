"""``ems boundaries import FILE …`` and ``ems boundaries allocate --authority GSS``.

ems boundaries import FILE.geojson --authority GSS --name NAME --valid-from YYYY-MM-DD
                      [--area-type polling_district|ward|parish|…] [--code-property code]
                      [--name-property name] [--json]
ems boundaries allocate --authority GSS [--json]
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems.core.models import Authority
from ems.geography.services import POLLING_DISTRICT, boundary_set_import
from ems.register.services_allocation import property_allocate


class Command(BaseCommand):
    help = "Import boundary sets (GeoJSON) and allocate properties to polling districts by location."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import a GeoJSON FeatureCollection as a boundary set")
        load.add_argument("file")
        load.add_argument("--authority", required=True)
        load.add_argument("--name", required=True)
        load.add_argument("--valid-from", dest="valid_from", required=True)
        load.add_argument("--area-type", dest="area_type", default=POLLING_DISTRICT)
        load.add_argument("--code-property", dest="code_property", default="code")
        load.add_argument("--name-property", dest="name_property", default="name")
        load.add_argument("--json", action="store_true")
        allocate = sub.add_parser("allocate", help="Allocate properties to the district their point falls in")
        allocate.add_argument("--authority", required=True)
        allocate.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = Authority.objects.get(gss_code=str(options["authority"]).strip().upper())
        except Authority.DoesNotExist:
            raise CommandError(f"No authority with GSS code {options['authority']!r}") from None
        try:
            if options["action"] == "import":
                result = self._import(authority, options)
            else:
                result = property_allocate(acting_user=None, authority=authority)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, default=str))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items() if not isinstance(v, (list, dict))))

    def _import(self, authority: Authority, options: dict[str, Any]) -> dict[str, Any]:
        path = Path(options["file"])
        try:
            geojson = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path.name}: not valid GeoJSON ({exc})") from None
        try:
            valid_from = dt.date.fromisoformat(options["valid_from"])
        except ValueError:
            raise CommandError(f"--valid-from must be YYYY-MM-DD, not {options['valid_from']!r}") from None
        try:
            boundary_set = boundary_set_import(
                acting_user=None, authority=authority, name=options["name"], valid_from=valid_from, geojson=geojson,
                area_type=options["area_type"], code_property=options["code_property"],
                name_property=options["name_property"], source=path.name,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(f"{path.name}: {'; '.join(exc.messages)}") from None
        return {"boundary_set": boundary_set.name, "features": len(geojson.get("features", []))}
