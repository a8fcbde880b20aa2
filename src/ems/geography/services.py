"""Writes for geography: boundary sets from GeoJSON (property allocation lives in
``ems.register.services_allocation``, since properties belong to the register).

Geometry is GeoJSON (WGS84 longitude/latitude) and computed with shapely (ADR 0013), so
SQLite and PostgreSQL behave the same. Each service runs in one transaction with its audit row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from shapely.geometry import shape
from shapely.validation import explain_validity

from ems.audit.services import audit_record

from .models import AreaType, BoundarySet, ElectoralArea, PollingDistrict

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

POLLING_DISTRICT = "polling_district"
UNASSIGNED_WARD = "Unassigned (imported)"


def _features(geojson: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(geojson, dict) or geojson.get("type") != "FeatureCollection":
        raise ValidationError("Expected a GeoJSON FeatureCollection")
    features = geojson.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError("The FeatureCollection has no features")
    return features


def _check_geometry(feature: dict[str, Any], number: int) -> dict[str, Any]:
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(f"Feature {number}: geometry must be a Polygon or MultiPolygon")
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationError(f"Feature {number}: unreadable geometry ({exc})") from None
    if polygon.is_empty or not polygon.is_valid:
        raise ValidationError(f"Feature {number}: invalid geometry ({explain_validity(polygon)})")
    minx, miny, maxx, maxy = polygon.bounds
    if not (-9 <= minx <= maxx <= 3 and 49 <= miny <= maxy <= 61.5):
        raise ValidationError(f"Feature {number}: coordinates are not WGS84 longitude/latitude in the UK")
    return geometry


@transaction.atomic
def boundary_set_import(
    *,
    acting_user: User | None,
    authority: Authority,
    name: str,
    valid_from: dt.date,
    geojson: dict[str, Any],
    area_type: str,
    code_property: str = "code",
    name_property: str = "name",
    source: str = "",
) -> BoundarySet:
    """Create a boundary set from a GeoJSON FeatureCollection of polling districts or areas.

    Polling districts are matched by code (existing ones get the new geometry and set; new ones
    are created under a placeholder ward); areas by type and name. All-or-nothing.
    """
    if area_type != POLLING_DISTRICT and area_type not in AreaType.values:
        raise ValidationError(f"Unknown area type: {area_type}")
    if BoundarySet.objects.filter(authority=authority, name=name).exists():
        raise ValidationError(f"A boundary set called {name!r} already exists")
    features = _features(geojson)
    boundary_set = BoundarySet.objects.create(authority=authority, name=name, valid_from=valid_from, source=source)
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        key = str(props.get(code_property if area_type == POLLING_DISTRICT else name_property) or "").strip()
        if not key:
            raise ValidationError(
                f"Feature {number}: no {code_property if area_type == POLLING_DISTRICT else name_property}"
            )
        if key in seen:
            raise ValidationError(f"Feature {number}: {key!r} appears twice")
        seen.add(key)
        geometry = _check_geometry(feature, number)
        label = str(props.get(name_property) or key)
        if area_type == POLLING_DISTRICT:
            district = PollingDistrict.objects.filter(authority=authority, code=key).first()
            if district is None:
                ward, _ = ElectoralArea.objects.get_or_create(
                    authority=authority, area_type=AreaType.WARD, name=UNASSIGNED_WARD
                )
                district = PollingDistrict(authority=authority, code=key, name=label, ward=ward)
            district.geometry, district.boundary_set = geometry, boundary_set
            district.save()
        else:
            area, _ = ElectoralArea.objects.get_or_create(authority=authority, area_type=area_type, name=key)
            area.geometry, area.boundary_set = geometry, boundary_set
            area.gss_code = str(props.get("gss_code") or area.gss_code)[:9]
            area.save()
    audit_record(
        actor=acting_user,
        authority=authority,
        action="geography.boundary_set.import",
        obj=boundary_set,
        after={"name": name, "valid_from": valid_from, "area_type": area_type, "features": len(features)},
    )
    return boundary_set
