"""What every CSV file Refuge reads or writes has to survive: hostile cells.

Files come from spreadsheets and go back into them. Reading, a cell is bounded
(FIELD_CHARS) so a 200,000-character field is one clear sentence, not the csv module's
traceback; writing, a cell a spreadsheet would run as a formula (= + - @, or a tab or
carriage return in front, OWASP "CSV injection") gets a leading apostrophe, which
spreadsheets show as text. Plain numbers such as -3.20 are left alone.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager

# A name, an id or a list of needs is far shorter; a longer cell is a broken or hostile file.
FIELD_CHARS = 1_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def spreadsheet_safe(value: object) -> object:
    """The value as a spreadsheet will show it, never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def shown(value: str, width: int = 40) -> str:
    """A cell quoted for a one-line message: control characters escaped, long ones cut."""
    cut = value if len(value) <= width else value[:width] + "…"
    return repr(cut)


@contextmanager
def long_fields_readable(limit: int) -> Iterator[None]:
    """Let the csv module read fields up to `limit` characters, so ours can name them.

    The csv module's own limit (131,072) fails with no row or column; callers bound the
    file's size first and then check each field against FIELD_CHARS themselves.
    """
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, limit))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def too_long(header: list[str], values: list[str]) -> tuple[str, int] | None:
    """The first (column, length) whose cell is over FIELD_CHARS, if any."""
    for position, value in enumerate(values):
        if len(value) > FIELD_CHARS:
            column = header[position] if position < len(header) else f"column {position + 1}"
            return column, len(value)
    return None
