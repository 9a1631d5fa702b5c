"""Outlines of areas drawn from the points the gazetteer knows in them.

The gazetteer has settlements and district centres as points, not boundaries. A district
under an evacuation order is drawn on the map as the convex hull of its known settlements:
it covers every place the order names, and it is honest about being an outline, not a
cadastral border. Andrew's monotone chain, O(n log n).
"""

from __future__ import annotations

from collections.abc import Iterable

#: (lon, lat) in degrees, as GeoJSON orders them
Point = tuple[float, float]


def _turn(o: Point, a: Point, b: Point) -> float:
    """Positive when o→a→b turns counter-clockwise."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _half(points: list[Point]) -> list[Point]:
    chain: list[Point] = []
    for p in points:
        while len(chain) >= 2 and _turn(chain[-2], chain[-1], p) <= 0:
            chain.pop()
        chain.append(p)
    return chain


def convex_hull(points: Iterable[Point]) -> list[Point]:
    """The hull's corners counter-clockwise, without repeating the first; fewer than three
    distinct points give those points back."""
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique
    lower, upper = _half(unique), _half(unique[::-1])
    return lower[:-1] + upper[:-1]


def ring(points: Iterable[Point]) -> list[Point] | None:
    """A closed GeoJSON polygon ring around the points, or None when they span no area."""
    corners = convex_hull(points)
    if len(corners) < 3:
        return None
    return [*corners, corners[0]]
