"""Charts drawn on the server as SVG: no JavaScript, no inline script for the CSP to allow."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def column_chart(
    points: list[tuple[str, int]], *, width: float = 640, height: float = 200
) -> list[Bar]:
    """Columns for a daily series, scaled to the tallest."""
    if not points:
        return []
    top = max(v for _, v in points) or 1
    step = width / len(points)
    return [
        Bar(
            label=label,
            value=v,
            x=round(i * step + step * 0.1, 1),
            y=round(height - height * v / top, 1),
            width=round(step * 0.8, 1),
            height=round(height * v / top, 1),
        )
        for i, (label, v) in enumerate(points)
    ]


def share(part: int, whole: int) -> int:
    """Per cent, for occupancy bars (0-100)."""
    return 0 if whole <= 0 else min(100, round(100 * part / whole))
