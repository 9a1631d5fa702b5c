"""Charts drawn on the server as SVG: no JavaScript, no inline script for the CSP to allow."""

from __future__ import annotations

from dataclasses import dataclass

# A row chart's geometry, in the SVG's own units. One row per day, the value written at
# the end of its bar: days read top to bottom on a phone as well as on a wide screen,
# and the chart never gets so wide that its text shrinks below reading size.
WIDTH = 480
ROW = 26
LABEL = 62  # room for "dd.mm" left of the bars, at the larger phone text too
VALUE_ROOM = 80  # room right of the longest bar for its value ("25,130"), ditto


@dataclass(frozen=True)
class Row:
    label: str
    value: int
    y: float  # top of the bar
    width: float  # length of the bar
    text_x: float  # where the value is written, just past the bar's end
    text_y: float  # the bar's middle, where its label and value sit


@dataclass(frozen=True)
class RowChart:
    rows: tuple[Row, ...]
    width: int = WIDTH
    height: int = 0
    label_width: int = LABEL
    bar_height: float = ROW * 0.7

    @property
    def label_x(self) -> int:
        return self.label_width - 6


def row_chart(points: list[tuple[str, int]]) -> RowChart:
    """Bars for a daily series, scaled to the largest, each with its value written out."""
    top = max((v for _, v in points), default=0) or 1
    room = WIDTH - LABEL - VALUE_ROOM
    rows = []
    for i, (label, v) in enumerate(points):
        length = round(room * v / top, 1)
        top_y = i * ROW + ROW * 0.15
        rows.append(Row(label, v, top_y, length, LABEL + length + 4, i * ROW + ROW / 2))
    return RowChart(rows=tuple(rows), height=max(ROW, len(points) * ROW))


def share(part: int, whole: int) -> int:
    """Per cent, for occupancy bars (0-100)."""
    return 0 if whole <= 0 else min(100, round(100 * part / whole))
