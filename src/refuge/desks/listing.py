"""One page of a long list, sorted by a whitelisted column, with links that keep the filters.

The arithmetic (which page, which sort) is core.listing's; this module applies it to a
queryset and draws the links. The pk always breaks ties, so a row never shows on two pages
or on none when many rows share a value (a hundred shelters with 0 free places).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OrderBy, Q, QuerySet
from django.http import QueryDict

from refuge.core.listing import PAGE_SIZE, Page, Sort, page_of, sort_of

#: column -> the fields or expressions it orders by, first to last
Columns = Mapping[str, Sequence[Any]]


@dataclass(frozen=True)
class Heading:
    url: str
    #: aria-sort of the column heading: "ascending", "descending" or "none"
    state: str


@dataclass(frozen=True)
class Listing:
    rows: list[Any]
    page: Page
    sort: Sort | None
    params: QueryDict = field(repr=False)
    page_param: str = "page"
    headings: dict[str, Heading] = field(default_factory=dict)

    def url(self, **changes: object) -> str:
        """This list's URL query with some parameters changed (None removes one)."""
        query = self.params.copy()
        for name, value in changes.items():
            query.pop(name, None)
            if value is not None:
                query[name] = str(value)
        return f"?{query.urlencode()}"

    @property
    def links(self) -> list[tuple[int | None, str]]:
        """(page number, URL) for the page links; (None, "") where pages are left out."""
        return [(n, self.url(**{self.page_param: n}) if n else "") for n in self.page.numbers()]


def ordering(columns: Columns, sort: Sort) -> list[OrderBy]:
    """The ORDER BY for a sort, ending in the pk so that it is total (stable paging)."""
    out = []
    for term in columns[sort.column]:
        expression = F(term) if isinstance(term, str) else term
        if sort.descending:
            out.append(expression.desc(nulls_last=True))
        else:
            out.append(expression.asc(nulls_last=True))
    return [*out, F("pk").asc()]


def paginate(
    rows: QuerySet[Any],
    params: QueryDict,
    *,
    columns: Columns | None = None,
    default: Sort | None = None,
    page_param: str = "page",
    size: int = PAGE_SIZE,
) -> Listing:
    """The page of `rows` that `params` asks for, sorted by a column of `columns`."""
    sort = sort_of(params.get("sort"), list(columns), default) if columns and default else None
    if columns and sort:
        rows = rows.order_by(*ordering(columns, sort))
    elif not rows.ordered:
        rows = rows.order_by("pk")
    page = page_of(params.get(page_param), rows.count(), size)
    shown = list(rows[page.start : page.end])
    listing = Listing(shown, page, sort, _without(params, "csrfmiddlewaretoken"), page_param)
    if sort and columns:
        listing.headings.update({c: _heading(listing, sort, c) for c in columns})
    return listing


def _heading(listing: Listing, sort: Sort, column: str) -> Heading:
    state = "none"
    if column == sort.column:
        state = "descending" if sort.descending else "ascending"
    # A new sort starts at the first page: page 7 of another order means nothing.
    return Heading(
        listing.url(sort=sort.toggled(column).value, **{listing.page_param: None}), state
    )


def _without(params: QueryDict, *names: str) -> QueryDict:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept


def text_matches(fields: Sequence[str], typed: str) -> Q:
    """Rows where any of `fields` contains what was typed, whatever its case.

    SQLite's LIKE folds case for ASCII only, so "школа" would miss "Школа №3" there: the
    typed text is also tried lower-cased, capitalised and upper-cased (PostgreSQL's ILIKE
    needs none of it, and gives the same rows).
    """
    text = " ".join(typed.split())
    variants = {text, text.lower(), text.capitalize(), text.upper(), text.title()}
    found = Q()
    for name in fields:
        for variant in variants:
            found |= Q(**{f"{name}__icontains": variant})
    return found
