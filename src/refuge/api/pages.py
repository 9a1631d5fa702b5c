"""Keyset paging for every API list: the cursor is the whole position of a page's end
row in the list's ordering, which always ends with the id.

DRF's CursorPagination keeps only the first ordering field's value in the cursor and
walks ties by an offset, capped at 1,000: ordered by capacity, where hundreds of shelters
share a capacity, its pages walked back by `previous` were not the pages walked forward,
and past 1,000 equal values it could not page at all. Here the cursor holds every field
of the ordering, so a page is "the rows after (v1, ..., id) in this ordering", one
indexed comparison however many rows tie, and the same rows whichever way it is walked.

Each ordering field must be non-null (NULLs do not compare); the API orders by ids,
codes, names and counters only.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

Position = tuple[Any, ...]


def after(ordering: tuple[str, ...], position: Position) -> Q:
    """The rows that come after `position` in `ordering` (fields, "-" for descending):
    (f1 > v1) or (f1 = v1 and f2 > v2) or ..., each ">" a "<" where the field descends."""
    rows, equal = Q(), Q()
    for field, value in zip(ordering, position, strict=True):
        name = field.lstrip("-")
        beyond = f"{name}__lt" if field.startswith("-") else f"{name}__gt"
        rows |= equal & Q(**{beyond: value})
        equal &= Q(**{name: value})
    return rows


def flipped(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in ordering)


def position_of(row: Any, ordering: tuple[str, ...]) -> Position:
    """A row's values of the ordering's fields: a model, a values() dict, a named tuple,
    or a JSON object's text (a list whose rows the database wrote: api/serializers.py)."""
    names = [f.lstrip("-") for f in ordering]
    if isinstance(row, (str, bytes)):
        row = json.loads(row)
    if isinstance(row, dict):
        return tuple(row[n] for n in names)
    return tuple(getattr(row, n) for n in names)


def _comparable(value: Any) -> bool:
    """A value either database compares without an error: no NULL, no NUL character,
    no integer beyond 64 bits."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return not (isinstance(value, str) and "\x00" in value)


class KeysetCursor(CursorPagination):
    """CursorPagination's parameters, links and schema; the cursor is a keyset position.

    A cursor is base64url JSON {"o": ordering, "p": position, "r": reverse}. It is only
    good for the ordering it was made in: another `ordering=` with it is an invalid
    cursor (404, as DRF answers any cursor it cannot read), never a comparison of a
    capacity with a name.
    """

    ordering = "id"

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        ordering = tuple(super().get_ordering(request, queryset, view))
        if not any(f.lstrip("-") in ("id", "pk") for f in ordering):
            ordering += ("id",)
        return ordering

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request,
                          view: Any = None) -> list[Any] | None:  # fmt: skip
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        position, reverse = self.read_cursor(request, queryset)
        walk = flipped(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*walk)
        if position is not None:
            queryset = queryset.filter(after(walk, position))
        rows = self.fetch(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
        # Walking back, the rows beyond the page are the ones before it; forward, after.
        self.has_previous = more if reverse else position is not None
        self.has_next = position is not None if reverse else more
        return self.page

    def fetch(self, queryset: QuerySet[Any]) -> list[Any]:
        """The rows of a page (and the one after it), as the view's queryset reads them."""
        return list(queryset)

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        if not self.page:  # nothing before the cursor: the next page is the first one
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.link(position_of(self.page[-1], self.ordering), reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        # Nothing after the cursor: the page before is the list's last one.
        last = position_of(self.page[0], self.ordering) if self.page else None
        return self.link(last, reverse=True)

    def link(self, position: Position | None, *, reverse: bool) -> str:
        cursor = {"o": list(self.ordering), "p": position and list(position), "r": reverse}
        text = json.dumps(cursor, separators=(",", ":"), ensure_ascii=False, default=str)
        encoded = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def read_cursor(
        self, request: Request, queryset: QuerySet[Any]
    ) -> tuple[Position | None, bool]:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None, False
        try:
            text = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            cursor = json.loads(text)
            if not isinstance(cursor, dict) or cursor.get("o") != list(self.ordering):
                raise ValueError("another ordering")
            reverse, given = cursor.get("r"), cursor.get("p")
            if not isinstance(reverse, bool):
                raise ValueError("direction")
            if given is None:
                return None, reverse
            if not isinstance(given, list) or len(given) != len(self.ordering):
                raise ValueError("position")
            model = queryset.model
            position = tuple(
                model._meta.get_field("id" if f.lstrip("-") == "pk" else f.lstrip("-")).to_python(v)
                for f, v in zip(self.ordering, given, strict=True)
            )
            if not all(map(_comparable, position)):
                raise ValueError("value")
        except (ValueError, TypeError, UnicodeDecodeError, binascii.Error,
                ValidationError, FieldDoesNotExist) as e:  # fmt: skip
            raise NotFound(self.invalid_cursor_message) from e
        return position, reverse
