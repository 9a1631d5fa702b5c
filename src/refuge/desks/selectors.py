"""Scoped reads for the desks. Each read of personal data writes its audit entry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import QueryDict
from django.utils.translation import get_language

from refuge.accounts.models import Role
from refuge.accounts.scope import Actor, OutOfScope, households_for, shelter_for, shelters_for
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.core.linkage.search import digits, name_match, phone_matches, word_match, words
from refuge.core.listing import Sort
from refuge.desks.listing import Listing, paginate, text_matches
from refuge.geo.models import Region
from refuge.movements.models import Movement
from refuge.registry.actions import document_key
from refuge.registry.models import Household, Person, ReceptionPoint
from refuge.shelters.models import Shelter, Status

A = AuditEvent.Action


def household_for(actor: Actor, pk: int) -> Household:
    household = households_for(actor).select_related("origin", "reception_point").filter(pk=pk)
    found = household.first()
    if found is None:
        do_record(actor=actor, action=A.DENIED, object_type="household", object_id=pk)
        raise OutOfScope(pk)
    do_record(actor=actor, action=A.VIEW_HOUSEHOLD, object_type="household", object_id=pk)
    return found


def registered_with_key(actor: Actor, key: object) -> int | None:
    """The household a submission with this idempotency key registered, if it did.

    Looked up by the key's unique index first: PostgreSQL planned the scoped query
    through the reception point's index instead, reading every household of the point.
    """
    found = Household.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
    if found is None or not households_for(actor).filter(pk=found).exists():
        return None
    return found


def household_movements(household: Household) -> QuerySet[Movement]:
    return (
        Movement.objects.effective()
        .filter(household=household)
        .exclude(kind=Movement.Kind.LEFT_HOME)
        .select_related("shelter__region", "reception_point")
        .order_by("at", "pk")
    )


@dataclass(frozen=True)
class HouseholdEvent:
    """What happened to several members of a household at once, as one line."""

    at: object
    kind: str  # the event's name in the user's language
    shelter: Shelter | None
    people: int

    def same_event(self, other: HouseholdEvent) -> bool:
        return (self.at, self.kind, self.shelter) == (other.at, other.kind, other.shelter)


def household_events(movements: list[Movement]) -> list[HouseholdEvent]:
    """The household's events, one line for the members one event concerned together."""
    lines: list[HouseholdEvent] = []
    for m in movements:  # in time order
        line = HouseholdEvent(m.at, m.get_kind_display(), m.shelter, 1)
        if lines and lines[-1].same_event(line):
            line = replace(line, people=lines.pop().people + 1)
        lines.append(line)
    return lines


def current_shelter(movements: list[Movement]) -> Shelter | None:
    """The shelter holding places for the household, or housing it, after these events."""
    K = Movement.Kind
    shelter = None
    for m in movements:  # in time order
        if m.kind in (K.ASSIGNED, K.CHECKED_IN):
            shelter = m.shelter
        elif m.kind in (K.RELEASED, K.CHECKED_OUT):
            shelter = None
    return shelter


@dataclass(frozen=True)
class ShelterLists:
    """A page of each of a shelter's lists: households expected, and households inside."""

    expected: Listing
    inside: Listing


def shelter_households(
    actor: Actor, shelter: Shelter, params: QueryDict, *, name: str = ""
) -> ShelterLists:
    """Who is expected (places reserved, not yet in) and who is inside a shelter, a page of
    each; with `name`, only households with a member of that name."""
    shelter = shelter_for(actor, shelter.pk)
    expected, inside = _holding(shelter)
    lists = ShelterLists(
        expected=_households_page(expected, params, "arrivals_page", name),
        inside=_households_page(inside, params, "page", name),
    )
    do_record(
        actor=actor,
        action=A.SEARCH if name else A.VIEW_PERSON,
        object_type="shelter",
        object_id=shelter.pk,
        summary=(
            f"arrivals and residents {'search' if name else 'list'}: "
            f"{lists.expected.page.total} expected, {lists.inside.page.total} inside"
        ),
    )
    return lists


def _holding(shelter: Shelter) -> tuple[set[int], set[int]]:
    """Ids of the households expected at a shelter, and of those inside it."""
    K = Movement.Kind
    rows = (
        Movement.objects.effective()
        .filter(shelter=shelter)
        .values("household_id")
        .annotate(
            assigned=Count("id", filter=Q(kind=K.ASSIGNED)),
            released=Count("id", filter=Q(kind=K.RELEASED)),
            inn=Count("id", filter=Q(kind=K.CHECKED_IN)),
            out=Count("id", filter=Q(kind=K.CHECKED_OUT)),
        )
    )
    expected = {r["household_id"] for r in rows if r["assigned"] - r["released"] - r["inn"] > 0}
    inside = {r["household_id"] for r in rows if r["inn"] - r["out"] > 0}
    return expected, inside


#: what the residents' search looks in
PERSON_NAME_FIELDS = ("family_name", "given_name", "patronymic")


def _households_page(ids: set[int], params: QueryDict, page_param: str, name: str) -> Listing:
    households = Household.objects.filter(pk__in=ids)
    if name.strip():
        named = Person.objects.filter(text_matches(PERSON_NAME_FIELDS, name))
        households = households.filter(pk__in=named.values("household_id"))
    households = households.prefetch_related("members").order_by("pk")
    return paginate(households, params, page_param=page_param)


def household_at_shelter(actor: Actor, shelter: Shelter, pk: int) -> Household:
    """A household with movements at this shelter, for a check-in or check-out there."""
    shelter = shelter_for(actor, shelter.pk)
    there = Movement.objects.filter(shelter=shelter).values("household_id")
    household = Household.objects.filter(pk=pk, pk__in=there).first()
    if household is None:
        do_record(actor=actor, action=A.DENIED, object_type="household", object_id=pk)
        raise OutOfScope(pk)
    return household


def shelters_table(
    actor: Actor,
    *,
    region: Region | None = None,
    status: str = "",
    min_free: int | None = None,
    features: frozenset[str] = frozenset(),
    text: str = "",
) -> QuerySet[Shelter]:
    shelters = (
        shelters_for(actor)
        .select_related("region", "district")
        .annotate(
            free_places=F("capacity") - F("occupancy") - F("reserved"),
            occupied_share=ExpressionWrapper(
                F("occupancy") * 1.0 / NullIf(F("capacity"), 0), output_field=FloatField()
            ),
            status_rank=Case(
                *(When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)),
                default=Value(len(STATUS_ORDER)),
            ),
        )
    )
    if text.strip():
        shelters = shelters.filter(text_matches(SHELTER_TEXT_FIELDS, text))
    if region is not None:
        shelters = shelters.filter(region=region)
    if status:
        shelters = shelters.filter(status=status)
    if min_free:
        shelters = shelters.filter(free_places__gte=min_free)
    flags = {
        "wheelchair": "wheelchair_access",
        "medical": "medical_post",
        "children": "children_area",
        "pets": "pets_allowed",
    }
    for word in features:
        shelters = shelters.filter(**{flags[word]: True})
    return shelters.order_by("region__code", "name", "pk")


#: what the shelters' text search looks in: the name, the address (which names the town or
#: village) and the district in each language
SHELTER_TEXT_FIELDS = (
    "name",
    "address",
    "district__name_en",
    "district__name_ru",
    "district__name_uk",
)
#: the order of statuses when a list is sorted by status: open ones first
STATUS_ORDER = (Status.OPEN, Status.FULL, Status.STANDBY, Status.CLOSED)
DEFAULT_SHELTER_SORT = Sort("region")


def shelter_columns() -> dict[str, tuple[object, ...]]:
    """The columns a shelters list sorts by; regions by their name in the user's language."""
    lang = (get_language() or "en")[:2]
    region_name = f"region__name_{lang}" if lang in ("en", "ru", "uk") else "region__name_en"
    return {
        "name": ("name",),
        "region": (region_name, "name"),
        "occupancy": ("occupied_share", "name"),
        "free": ("free_places", "name"),
        "status": ("status_rank", "name"),
        "capacity": ("capacity", "name"),
    }


def regions_for(actor: Actor) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=shelters_for(actor).values("region_id")).order_by("code")


@dataclass(frozen=True)
class RegionSummary:
    region: Region
    shelters: int
    open: int
    capacity: int
    occupancy: int
    reserved: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupancy - self.reserved)


def region_for(actor: Actor, code: str) -> RegionSummary:
    region = regions_for(actor).filter(code=code).first()
    if region is None and actor.has_role(Role.NATIONAL_COORDINATOR):
        region = Region.objects.filter(code=code).first()
    if region is None:
        raise OutOfScope(code)
    in_region = shelters_for(actor).filter(region=region)
    figures = in_region.aggregate(
        n=Count("id"),
        open=Count("id", filter=Q(status__in=(Status.OPEN, Status.FULL))),
        capacity=Sum("capacity"),
        occupancy=Sum("occupancy"),
        reserved=Sum("reserved"),
    )
    return RegionSummary(
        region,
        figures["n"],
        figures["open"],
        figures["capacity"] or 0,
        figures["occupancy"] or 0,
        figures["reserved"] or 0,
    )


MOST_FOUND = 50


@dataclass(frozen=True)
class Found:
    """A person the search found, with what matched, best first."""

    person: Person
    rank: int
    by_phone: bool
    by_document: bool


@dataclass(frozen=True)
class SearchResult:
    found: list[Found]
    more: bool  # more matched than are shown: the registrar should type more


def search_persons(
    actor: Actor,
    *,
    family_name: str = "",
    given_name: str = "",
    phone: str = "",
    document: str = "",
) -> SearchResult:
    """Persons in the actor's scope whom every term given denotes, ranked, at most MOST_FOUND.

    Names match in any script, form, diminutive or one typing slip (`core.linkage.search`),
    each typed word against any name part; phone on its digits (the last ones are
    enough); document on its letters and digits. The audit entry says which kinds of
    term were used and how many were found, never the terms.
    """
    typed = words(f"{family_name} {given_name}")
    people = Person.objects.filter(household__in=households_for(actor))
    if typed:
        people = people.filter(family_name__in=_family_names_denoted(typed) | set(typed))
    phone_digits = digits(phone)
    if phone_digits:
        people = people.filter(household__phone__in=_phones_matching(phone_digits))
    if document_key(document):
        people = people.filter(document_key=document_key(document))
    found, total = _ranked(people, typed, bool(phone_digits), bool(document_key(document)))
    kinds = [k for k, v in (("name", typed), ("phone", phone_digits), ("document", document)) if v]
    do_record(
        actor=actor,
        action=A.SEARCH,
        object_type="person",
        summary=f"search by {', '.join(kinds)}: {total} found",
    )
    return SearchResult(found, total > MOST_FOUND)


# Family names are few (a registry of 124,000 has some hundreds to thousands): comparing
# each with the typed words in Python finds every spelling the database cannot. They are
# read from the (family_name, given_name) index alone, the scope applied afterwards to the
# persons: joining each person to its household first made a search take seconds at scale 1.
def _family_names_denoted(typed: list[str]) -> set[str]:
    names = Person.objects.order_by().values_list("family_name", flat=True).distinct()
    return {n for n in names if any(word_match(w, n) for w in typed)}


def _phones_matching(typed_digits: str) -> set[str]:
    # However a phone is written, it ends with its last digit: the database keeps a tenth.
    phones = Household.objects.filter(phone__endswith=typed_digits[-1]).order_by()
    return {
        p
        for p in phones.values_list("phone", flat=True).distinct()
        if phone_matches(typed_digits, p)
    }


def _ranked(
    people: QuerySet[Person], typed: list[str], phone: bool, document: bool
) -> tuple[list[Found], int]:
    """The best MOST_FOUND matches, and how many matched: ranked on the names alone,
    only those shown loaded whole."""
    ranked = []
    names = people.values_list("pk", "given_name", "patronymic", "family_name")
    for pk, given, patronymic, family in names[: MOST_FOUND * 40]:
        rank = name_match(typed, (given, patronymic, family)) if typed else 1
        if rank:
            ranked.append((-rank, family, given, pk))
    ranked.sort()
    best = ranked[:MOST_FOUND]
    shown = Person.objects.select_related("household__reception_point").in_bulk(
        [pk for *_, pk in best]
    )
    return [Found(shown[pk], -rank, phone, document) for rank, _, _, pk in best], len(ranked)


#: the columns the households list sorts by
HOUSEHOLD_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("pk",),
    "registered": ("registered_at",),
    "point": ("reception_point__name",),
    "size": ("size",),
    "destination": ("destination",),
}
DEFAULT_HOUSEHOLD_SORT = Sort("registered", descending=True)


_members_counted = (
    Person.objects.filter(household=OuterRef("pk"))
    .order_by()
    .values("household")
    .annotate(n=Count("pk"))
    .values("n")
)


def households_table(
    actor: Actor,
    *,
    number: int | None = None,
    reception_point: ReceptionPoint | None = None,
    destination: str = "",
) -> QuerySet[Household]:
    """The households the actor may read, with their size; no names, so the list may be
    filtered in the URL."""
    households = (
        households_for(actor)
        .select_related("reception_point", "origin__district", "destination_region")
        # A subquery, not Count("members"): a page sorted by date then reads fifty rows by the
        # (operation, registered_at) index instead of grouping every household's members.
        .annotate(size=Coalesce(Subquery(_members_counted), Value(0)))
    )
    if number is not None:
        households = households.filter(pk=number)
    if reception_point is not None:
        households = households.filter(reception_point=reception_point)
    if destination:
        households = households.filter(destination=destination)
    return households.order_by("-registered_at", "pk")


def reception_points_for(actor: Actor) -> QuerySet[ReceptionPoint]:
    """Reception points whose households the actor may read, for the list's filter."""
    m = actor.membership
    if m is None:
        return ReceptionPoint.objects.none()
    points = ReceptionPoint.objects.filter(operation=m.operation)
    if m.role == Role.REGISTRAR:
        return points.filter(pk=m.reception_point_id)
    if m.role in (Role.NATIONAL_COORDINATOR, Role.TRACING_OFFICER):
        return points
    return points.filter(pk__in=households_for(actor).values("reception_point_id"))


def households_list(actor: Actor, params: QueryDict, **filters: Any) -> HouseholdsPage:
    """One page of the households list, with each household's shelter; the look is audited."""
    listing = paginate(
        households_table(actor, **filters),
        params,
        columns=HOUSEHOLD_COLUMNS,
        default=DEFAULT_HOUSEHOLD_SORT,
    )
    do_record(
        actor=actor,
        action=A.SEARCH,
        object_type="household",
        summary=f"households list: {len(listing.rows)} of {listing.page.total}",
    )
    return HouseholdsPage(listing, shelters_of(listing.rows))


@dataclass(frozen=True)
class HouseholdsPage:
    listing: Listing
    shelters: dict[int, Shelter]

    @property
    def rows(self) -> list[tuple[Household, Shelter | None]]:
        return [(h, self.shelters.get(h.pk)) for h in self.listing.rows]


def shelters_of(households: list[Household]) -> dict[int, Shelter]:
    """The shelter each household holds places in or is inside, by household id."""
    K = Movement.Kind
    moves = (
        Movement.objects.effective()
        .filter(
            household__in=[h.pk for h in households],
            kind__in=(K.ASSIGNED, K.RELEASED, K.CHECKED_IN, K.CHECKED_OUT),
        )
        .select_related("shelter__region")
        .order_by("at", "pk")
    )
    by_household: dict[int, list[Movement]] = {}
    for m in moves:
        by_household.setdefault(m.household_id, []).append(m)
    found = {pk: current_shelter(ms) for pk, ms in by_household.items()}
    return {pk: s for pk, s in found.items() if s is not None}


def export_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """A list's filters (as the page's form cleaned them) as JSON for an export job:
    regions and reception points by number, features as a sorted list."""
    plain: dict[str, Any] = {}
    for key, value in filters.items():
        if isinstance(value, Region | ReceptionPoint):
            plain[key] = value.pk
        elif isinstance(value, frozenset):
            plain[key] = sorted(value)
        else:
            plain[key] = value
    return plain


def export_rows(actor: Actor, name: str, filters: dict[str, Any]) -> QuerySet[Any]:
    """The rows an export job writes: the list's own selector, with the filters read back
    through the actor's scope (a region or point no longer theirs gives no rows, never
    the unfiltered list)."""
    given = dict(filters)
    if name == "households":
        if given.get("reception_point") is not None:
            given["reception_point"] = (
                reception_points_for(actor).filter(pk=given["reception_point"]).first()
            )
            if given["reception_point"] is None:
                return Household.objects.none()
        return households_table(actor, **given)
    if given.get("region") is not None:
        given["region"] = regions_for(actor).filter(pk=given["region"]).first()
        if given["region"] is None:
            return Shelter.objects.none()
    given["features"] = frozenset(given.get("features") or ())
    return shelters_table(actor, **given)


def export_job_for(actor: Actor, pk: int) -> Any:
    """An export job the actor may see and download: one they asked for, or any of their
    operation's for a national coordinator (whose scope holds every row of them). Anyone
    else's, or another operation's, is OutOfScope, like a record that is not there."""
    from refuge.jobs.models import Job

    m = actor.membership
    found = Job.objects.filter(pk=pk, kind="desks.export").first()
    mine = found is not None and found.created_by_id == getattr(actor.user, "pk", None)
    national = (
        found is not None
        and m is not None
        and m.role == Role.NATIONAL_COORDINATOR
        and found.payload.get("operation") == m.operation_id
    )
    if found is None or not (mine or national):
        if found is not None:
            do_record(actor=actor, action=A.DENIED, object_type="export_job", object_id=pk)
        raise OutOfScope(pk)
    if mine and found.payload.get("operation") != getattr(m, "operation_id", None):
        raise OutOfScope(pk)
    return found
