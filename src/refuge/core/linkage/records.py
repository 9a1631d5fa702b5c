"""A registered person as the linkage core sees it: plain strings and a possibly partial date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# 14.03.1948, as dates are typed at a Russian or Ukrainian desk.
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class BadBirthDate(ValueError):
    """A birth date not in YYYY-MM-DD, YYYY-MM or YYYY form, or not a calendar date."""


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date of which the day, or the day and the month, may be unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str, *, as_typed: bool = False) -> BirthDate | None:
        """The date in `text`; `as_typed` keeps a date-shaped slip such as 1955-11-92.

        A registration's birth date that is not a calendar date is almost always one
        mistyped digit or two swapped ones; kept as typed, the comparisons can still see
        that `1955-11-92` is `1955-11-29` with a slip. Text that is no date in any
        reading (letters, thirty nines) is refused either way.
        """
        text = text.strip()
        if not text:
            return None
        found = _DATE.match(text)
        dotted = _DOTTED.match(text) if not found else None
        year: int | None
        month: int | None
        day: int | None
        if dotted:
            day_s, month_s, year_s = dotted.groups()
            year, month, day = int(year_s), int(month_s), int(day_s)
        elif found:
            year, month, day = (int(part) if part else None for part in found.groups())
        else:
            raise BadBirthDate(f"{text!r} is not YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY")
        assert year is not None
        if as_typed:
            return cls(year, month, day)
        if month is not None and not 1 <= month <= 12:
            raise BadBirthDate(f"{text!r} has month {month}")
        if day is not None and month is not None:
            try:
                dt.date(year, month, day)
            except ValueError as exc:
                raise BadBirthDate(f"{text!r} is not a calendar date") from exc
        return cls(year, month, day)

    def is_calendar_date(self) -> bool:
        """False for a date kept as typed whose month or day no calendar has."""
        if self.month is None:
            return True
        if self.day is None:
            return 1 <= self.month <= 12
        try:
            dt.date(self.year, self.month, self.day)
        except ValueError:
            return False
        return True

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One registration of one person, as typed at a reception point, shelter or list."""

    record_id: str
    given_name: str = ""
    patronymic: str = ""
    family_name: str = ""
    sex: str = ""
    birth_date: BirthDate | None = None
    phone: str = ""
    document_number: str = ""
    settlement: str = ""
    address: str = ""
    postcode: str = ""


FIELDS: tuple[str, ...] = (
    "given_name", "patronymic", "family_name", "sex", "birth_date", "phone",
    "document_number", "settlement", "address", "postcode",
)  # fmt: skip
NAME_FIELDS: tuple[str, ...] = ("given_name", "patronymic", "family_name")
