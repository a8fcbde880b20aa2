"""A map of a poll's polling districts and stations as inline SVG, drawn from their GeoJSON.

No tiles and no script: the Content Security Policy allows neither a CDN nor inline styles, and
Leaflet is not among the installed front-end packages. Districts are filled by the station
they are allotted to, each labelled with its code; stations are numbered points. Coordinates are
WGS84 longitude/latitude, projected equirectangularly with the longitude scaled by the cosine of
the mean latitude, which is close enough at the scale of one council.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from shapely.geometry import shape

WIDTH = 720
PALETTE = ("#1d70b8", "#00703c", "#d4351c", "#f47738", "#4c2c92", "#28a197", "#912b88", "#85994b", "#b58840", "#5694ca")


def _rings(geometry: dict[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        yield from coordinates
    elif kind == "MultiPolygon":
        for polygon in coordinates:
            yield from polygon


def map_svg(data: dict[str, Any]) -> str:
    """The SVG element, or "" when no district has a geometry and no station a position."""
    districts = [d for d in data.get("districts", []) if isinstance(d.get("geometry"), dict)]
    stations = data.get("stations", [])
    points = [(float(x), float(y)) for d in districts for ring in _rings(d["geometry"]) for x, y, *_ in ring]
    points += [(float(s["lon"]), float(s["lat"])) for s in stations]
    if not points:
        return ""
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    scale_x = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * scale_x, 1e-6)
    span_y = max(max_y - min_y, 1e-6)
    pad = 20
    inner = WIDTH - 2 * pad
    ratio = inner / max(span_x, span_y)
    height = int(span_y * ratio) + 2 * pad

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return pad + (lon - min_x) * scale_x * ratio, pad + (max_y - lat) * ratio

    colours: dict[str, str] = {}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ems-map" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="ems-map-title">',
        '<title id="ems-map-title">Map of the polling districts and polling stations</title>',
    ]
    for district in districts:
        station = str(district.get("station") or "")
        colour = colours.setdefault(station, PALETTE[len(colours) % len(PALETTE)]) if station else "#b1b4b6"
        path = " ".join(
            "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in (xy(float(p[0]), float(p[1])) for p in ring)) + " Z"
            for ring in _rings(district["geometry"])
        )
        label = f"District {district['code']} {district.get('name', '')}: " + (
            f"station {station}" if station else "no station allotted"
        )
        parts.append(
            f'<path d="{path}" fill="{colour}" fill-opacity="0.25" stroke="{colour}" stroke-width="1.5" '
            f'fill-rule="evenodd"><title>{escape(label)}</title></path>'
        )
        try:
            centre = shape(district["geometry"]).representative_point()
        except (ValueError, TypeError, AttributeError):
            continue
        cx, cy = xy(centre.x, centre.y)
        parts.append(
            f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" font-size="14" font-family="Arial, sans-serif" '
            f'fill="#0b0c0c">{escape(str(district["code"]))}</text>'
        )
    for station in stations:
        sx, sy = xy(float(station["lon"]), float(station["lat"]))
        label = escape(str(station["label"]))
        parts.append(
            f"<g><title>Station {label}: {escape(str(station.get('name', '')))}</title>"
            f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="9" fill="#0b0c0c" stroke="#ffffff" stroke-width="2"/>'
            f'<text x="{sx:.1f}" y="{sy + 4:.1f}" text-anchor="middle" font-size="11" font-weight="bold" '
            f'font-family="Arial, sans-serif" fill="#ffffff">{label[:3]}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
