"""Paging and sorting of long lists, read from what a user typed into a URL.

An operation has hundreds of shelters and tens of thousands of households; the lists show
them a page at a time. Whatever arrives in `page` or `sort` (a word, a huge number, a column
that does not exist) chooses a page that exists and a column on the whitelist, so a mistyped
or forged link answers with a list, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PAGE_SIZE = 50
#: page links shown on each side of the current page, besides the first and the last
WINDOW = 2


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    size: int
    total: int  # rows in the whole list

    @property
    def count(self) -> int:
        """How many pages the list has; an empty list still has one (empty) page."""
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        """Offset of the page's first row."""
        return (self.number - 1) * self.size

    @property
    def end(self) -> int:
        return min(self.total, self.start + self.size)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    def numbers(self) -> list[int | None]:
        """Page numbers to link, None where a run of pages is left out: 1 … 4 5 6 … 12."""
        near = range(max(1, self.number - WINDOW), min(self.count, self.number + WINDOW) + 1)
        shown = sorted({1, self.count, *near})
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def page_of(raw: str | None, total: int, size: int = PAGE_SIZE) -> Page:
    """The page `raw` asks for: not a number, or below 1, is the first; past the end, the last."""
    last = max(1, -(-total // size))
    try:
        number = int((raw or "1").strip())
    except ValueError:
        number = 1
    return Page(number=min(max(number, 1), last), size=size, total=total)


@dataclass(frozen=True)
class Sort:
    column: str
    descending: bool = False

    @property
    def value(self) -> str:
        """As it goes back into a link: `free`, or `-free` for largest first."""
        return f"-{self.column}" if self.descending else self.column

    def toggled(self, column: str) -> Sort:
        """The sort a column heading links to: this column reversed, or another ascending."""
        if column == self.column:
            return Sort(column, not self.descending)
        return Sort(column)


def sort_of(raw: str | None, columns: Sequence[str], default: Sort) -> Sort:
    """The sort `raw` asks for (`name`, `-free`), or `default` when it names no column."""
    text = (raw or "").strip()
    column = text.removeprefix("-")
    if column not in columns:
        return default
    return Sort(column, descending=text.startswith("-"))
