"""Allocating properties to polling districts by point-in-polygon, with manual overrides.

Uses the district boundaries (GeoJSON, WGS84) of ``ems.geography`` and shapely's STRtree
(ADR 0013). Each write runs in one transaction with its audit row.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from shapely import STRtree, points
from shapely.geometry import shape

from ems.audit.services import audit_record
from ems.geography.models import PollingDistrict

from .models import Property

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority


def _allocation_plan(authority: Authority) -> dict[str, Any]:
    """Which district each property falls in by point-in-polygon: proposed moves and exceptions.

    Pure read: ``property_allocate`` applies it. Properties marked ``district_override`` keep
    their district. Exceptions: properties outside every district (or without coordinates) and
    postcodes whose properties fall in more than one district.
    """
    districts = list(PollingDistrict.objects.filter(authority=authority, geometry__isnull=False))
    if not districts:
        raise ValidationError("No polling district has a boundary yet: import a boundary set first")
    polygons = [shape(d.geometry) for d in districts]
    tree = STRtree(polygons)
    rows = list(
        Property.objects.filter(authority=authority, retired_at__isnull=True).values_list(
            "pk", "uprn", "postcode", "longitude", "latitude", "polling_district_id", "district_override"
        )
    )
    located = [r for r in rows if r[3] is not None and r[4] is not None]
    hits: dict[int, int] = {}
    if located:
        query_points = points([(r[3], r[4]) for r in located])
        point_index, polygon_index = tree.query(query_points, predicate="intersects")
        for p, g in zip(point_index.tolist(), polygon_index.tolist(), strict=True):
            hits.setdefault(p, g)  # on a shared edge, the first district wins
    moves: list[tuple[int, int]] = []
    outside: list[dict[str, Any]] = []
    by_postcode: dict[str, set[int]] = defaultdict(set)
    for position, (pk, uprn, postcode, _lon, _lat, current, override) in enumerate(located):
        g = hits.get(position)
        if g is None:
            outside.append({"uprn": uprn, "postcode": postcode, "reason": "outside every polling district"})
            continue
        target = districts[g].pk
        final = current if override and current else target
        if postcode:
            by_postcode[postcode].add(final)
        if final != current:
            moves.append((pk, target))
    for _pk, uprn, postcode, lon, lat, *_ in rows:
        if lon is None or lat is None:
            outside.append({"uprn": uprn, "postcode": postcode, "reason": "no coordinates"})
    codes = {d.pk: d.code for d in districts}
    split = {
        postcode: sorted(codes.get(d, "?") for d in found) for postcode, found in by_postcode.items() if len(found) > 1
    }
    return {"moves": moves, "outside": outside, "split_postcodes": split, "checked": len(rows)}


@transaction.atomic
def property_allocate(*, acting_user: User | None, authority: Authority) -> dict[str, Any]:
    """Apply the point-in-polygon allocation; returns the report (moves, exceptions)."""
    plan = _allocation_plan(authority)
    by_target: dict[int, list[int]] = defaultdict(list)
    for pk, target in plan["moves"]:
        by_target[target].append(pk)
    for target, pks in by_target.items():
        for start in range(0, len(pks), 5000):
            Property.objects.filter(pk__in=pks[start : start + 5000], authority=authority).update(
                polling_district_id=target, polling_station=None
            )
    report = {
        "checked": plan["checked"],
        "moved": len(plan["moves"]),
        "outside": len(plan["outside"]),
        "split_postcodes": len(plan["split_postcodes"]),
    }
    audit_record(actor=acting_user, authority=authority, action="geography.allocate", obj=authority, after=report)
    return {**report, "exceptions": plan["outside"], "split": plan["split_postcodes"]}


@transaction.atomic
def property_set_district(
    *, acting_user: User | None, property_id: int, authority: Authority, district: PollingDistrict, reason: str
) -> None:
    """Allocate one property by hand; automatic allocation then leaves it alone."""
    if not reason.strip():
        raise ValidationError("Give a reason for allocating this property by hand")
    if district.authority_id != authority.pk:
        raise ValidationError("That polling district belongs to another authority")
    prop = Property.objects.select_for_update().get(pk=property_id, authority=authority)
    before = {"polling_district_id": prop.polling_district_id, "district_override": prop.district_override}
    prop.polling_district, prop.district_override, prop.polling_station = district, True, None
    prop.save(update_fields=["polling_district", "district_override", "polling_station"])
    audit_record(
        actor=acting_user, authority=authority, action="geography.property.override", obj=prop, before=before,
        after={"polling_district_id": district.pk, "district_override": True}, reason=reason,
    )  # fmt: skip
