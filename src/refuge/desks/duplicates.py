"""Possible duplicates of people about to be registered.

Simple matching for now (same family and given name, case-insensitive, same birth
year, within the operation); the linkage engine replaces `find_possible_duplicates`
behind the same signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from refuge.operations.models import Operation
from refuge.registry.actions import MemberData
from refuge.registry.models import Person


@dataclass(frozen=True)
class PossibleDuplicate:
    member_index: int  # which of the members being registered
    person_id: int
    household_id: int
    full_name: str
    birth_date: str


def find_possible_duplicates(
    members: Sequence[MemberData], operation: Operation
) -> list[PossibleDuplicate]:
    found = []
    for i, m in enumerate(members):
        family, given = m.family_name.strip(), m.given_name.strip()
        match = (
            Q(household__operation=operation)
            & _same("family_name", family)
            & _same("given_name", given)
        )
        if m.birth_year is not None:
            match &= Q(birth_year=m.birth_year)
        for p in Person.objects.filter(match).order_by("pk")[:50]:
            # SQLite folds case for ASCII only: the final say is Python's casefold.
            if (p.family_name.casefold(), p.given_name.casefold()) != (
                family.casefold(),
                given.casefold(),
            ):
                continue
            found.append(
                PossibleDuplicate(i, p.pk, p.household_id, p.full_name, p.birth_date_display)
            )
    return found


def _same(field: str, value: str) -> Q:
    spellings = {value, value.lower(), value.upper(), value.capitalize(), value.title()}
    return Q(**{f"{field}__iexact": value}) | Q(**{f"{field}__in": spellings})
