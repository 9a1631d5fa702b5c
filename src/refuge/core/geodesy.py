"""Distances on the Earth's surface, for border bands and travel estimates."""

from __future__ import annotations

import math
from collections.abc import Sequence

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

LatLon = tuple[float, float]


def great_circle_km(a: LatLon, b: LatLon) -> float:
    """Haversine distance between two (lat, lon) points in degrees."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_to_polyline_km(point: LatLon, line: Sequence[LatLon]) -> float:
    """Shortest distance from a point to a polyline (for example a state border).

    Segments are projected onto a plane tangent at the point; over the few hundred
    kilometres a border band spans, the error stays far below the ~1 km accuracy of
    the border data itself.
    """
    if not line:
        raise ValueError("the polyline has no points")
    if len(line) == 1:
        return great_circle_km(point, line[0])
    lat0 = math.radians(point[0])
    kx = math.cos(lat0) * math.pi * EARTH_RADIUS_KM / 180
    ky = math.pi * EARTH_RADIUS_KM / 180

    def xy(p: LatLon) -> tuple[float, float]:
        return ((p[1] - point[1]) * kx, (p[0] - point[0]) * ky)

    best = math.inf
    for a, b in zip(line, line[1:], strict=False):
        (ax, ay), (bx, by) = xy(a), xy(b)
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        t = 0.0 if seg2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / seg2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best
