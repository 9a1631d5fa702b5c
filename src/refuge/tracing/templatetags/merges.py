"""`{% merge_notes people as notes %}`: the household page's merges, without a view change.

The household page belongs to the desk; which of its members were merged, and with
whom the reader may be told, is tracing's to say (`selectors.merge_notes`).
"""

from __future__ import annotations

from django import template

from refuge.tracing.selectors import MergeNote
from refuge.tracing.selectors import merge_notes as notes_of

register = template.Library()


@register.simple_tag(takes_context=True)
def merge_notes(context: template.Context, people: list) -> dict[int, list[MergeNote]]:  # type: ignore[type-arg]
    actor = getattr(context.get("request"), "actor", None)
    if actor is None or not people:
        return {}
    return notes_of(actor, [p.pk for p in people])


@register.filter
def notes_for(notes: dict[int, list[MergeNote]], person_id: int) -> list[MergeNote]:
    return notes.get(person_id, [])
