"""Birth dates as people write them: a whole date, a month and year, or a year alone.

One reading for every way in: the desk (a registrar types it, so it asks for four-digit
years and dots), and the spreadsheet lists and field forms (a volunteer typed it weeks
ago and is not there to ask, so slashes, dashes, two-digit years, a trailing «г.р.» and
Excel's day numbers are read as well). Each shell turns a `BirthDateError`'s `code` into
its own message. Pure: no Django.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

Parts = tuple[int | None, int | None, int | None]  # year, month, day; all None when blank

# yyyy, yyyy-mm, yyyy-mm-dd
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# dd.mm.yyyy or mm.yyyy: what the desk accepts
_DOTTED = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$")
# the lists' extra forms: 14/03/1948, 14-03-48, 1948 г.р., 1948 р.н.
_SUFFIX = r"(?:\s*(?:г\.?\s*р\.?|р\.?\s*н\.?|г\.?|р\.?))?"
_LOOSE_DAY = re.compile(r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})" + _SUFFIX + "$")
_LOOSE_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")
_LOOSE_YEAR = re.compile(r"^([12]\d{3})" + _SUFFIX + "$")
_MIDNIGHT = re.compile(r"[T ]00:00(?::00)?$")  # a date cell written out with its time
_SERIAL = re.compile(r"^\d{3,6}(?:\.0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0; its 1900 leap-year bug is before day 61
_SERIALS = range(367, 2958466)  # 1901-01-01 .. 9999-12-31; lower numbers are years


class BirthDateError(ValueError):
    """`code`: "format" (not a way of writing a date), "invalid" (no such day),
    "range" (year before 1900 or after this one), "future"."""

    def __init__(self, code: str, year: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.year = year  # the year read, where there was one


def looks_like_a_date(text: str) -> bool:
    """Whether a list's cell is written like a whole date (for guessing a column)."""
    text = _MIDNIGHT.sub("", text.strip())
    return bool(_LOOSE_DAY.match(text) or (_ISO.match(text) and "-" in text))


def read_birth_date(text: str, today: date, *, lenient: bool = False) -> Parts:
    """The parts of a birth date; `lenient` also reads the lists' forms (above)."""
    text = text.strip()
    if not text:
        return None, None, None
    parts = _parts(text, today) if not lenient else _loose_parts(text, today)
    if parts is None:
        raise BirthDateError("format")
    year, month, day = parts
    try:
        born = date(year, month or 1, day or 1)
    except ValueError:
        raise BirthDateError("invalid", year) from None
    if not 1900 <= year <= today.year:
        raise BirthDateError("range", year)
    if born > today:
        raise BirthDateError("future", year)
    return year, month, day


def as_desk_writes_it(parts: Parts) -> str:
    """14.03.1948, 03.1948 or 1948; empty for a blank date."""
    year, month, day = parts
    if year is None:
        return ""
    if day:
        return f"{day:02d}.{month:02d}.{year}"
    if month:
        return f"{month:02d}.{year}"
    return str(year)


def _parts(text: str, today: date) -> tuple[int, int | None, int | None] | None:
    if m := _ISO.match(text):
        year, month, day = m.groups()
    elif m := _DOTTED.match(text):
        day, month, year = m.groups()
    else:
        return None
    return int(year), int(month) if month else None, int(day) if day else None


def _loose_parts(text: str, today: date) -> tuple[int, int | None, int | None] | None:
    if m := _LOOSE_DAY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:  # 05 is 2005 while that has been; 75 is 1975
            year += 2000 if year <= today.year % 100 else 1900
        return year, month, day
    if m := _LOOSE_MONTH.match(text):
        return int(m[2]), int(m[1]), None
    if m := _LOOSE_YEAR.match(text):
        return int(m[1]), None, None
    if _SERIAL.match(text) and int(float(text)) in _SERIALS:
        born = _EXCEL_EPOCH + timedelta(days=int(float(text)))
        return born.year, born.month, born.day
    return _parts(_MIDNIGHT.sub("", text), today)
