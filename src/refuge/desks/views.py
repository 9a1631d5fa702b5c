"""Desk pages: parse and authorise, then call one selector or action."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.accounts.scope import actor_for
from refuge.core.listing import Sort
from refuge.desks import export, mapdata, selectors
from refuge.desks.actions import (
    do_desk_change_status,
    do_desk_check_in,
    do_desk_check_out,
    do_register_at_desk,
)
from refuge.desks.duplicates import find_possible_duplicates, seal, unseal
from refuge.desks.forms import (
    DESTINATIONS,
    CheckInForm,
    CheckOutForm,
    HouseholdFilterForm,
    HouseholdForm,
    MemberFormSet,
    PersonSearchForm,
    ResidentSearchForm,
    ShelterFilterForm,
    ShelterStatusForm,
)
from refuge.desks.listing import paginate
from refuge.geo.selectors import settlement_labels
from refuge.placement.services import ShelterRequest, plan_for_households
from refuge.registry.models import Destination
from refuge.shelters.actions import ShelterRefused
from refuge.shelters.models import Shelter, Status
from refuge.web.middleware import CONTENT_SECURITY_POLICY

R = Role
COORDINATORS = (R.NATIONAL_COORDINATOR, R.REGIONAL_COORDINATOR)
SHELTER_DESK = (*COORDINATORS, R.SHELTER_MANAGER)
HOUSEHOLD_READERS = (*SHELTER_DESK, R.REGISTRAR, R.TRACING_OFFICER)
MEMBER_ROWS = 4


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "desks/home.html", {"actor": actor_for(request)})


@role_required(R.REGISTRAR)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "GET":
        form = HouseholdForm(initial={"destination": Destination.SHELTER})
        members = MemberFormSet(initial=[{}] * MEMBER_ROWS, prefix="m")
        return _registration_page(request, form, members)
    form = HouseholdForm(request.POST)
    members = MemberFormSet(request.POST, prefix="m")
    if "more" in request.POST:
        return _registration_page(request, form, _with_rows(request, members, 2))
    if not (form.is_valid() and members.is_valid()):
        return _registration_page(request, form, members, status=422)
    if earlier := selectors.registered_with_key(actor, form.cleaned_data["idempotency_key"]):
        return redirect("desk_household", pk=earlier)  # a repeated submit: done already
    return _register_household(request, actor, form, members)


def _register_household(request, actor, form, members) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Save a valid household, unless a possible duplicate needs the registrar first."""
    d = form.cleaned_data
    people = members.members(d["consents_to_be_found"])
    operation = actor.membership.operation
    confirmed = "confirm" in request.POST
    shelter = _chosen_shelter(actor, d) if confirmed else _suggest_shelter(actor, d, people)
    if d["destination"] == Destination.SHELTER and shelter is None:
        form.add_error(
            None, _("No shelter has room for this household: choose another destination.")
        )
        return _registration_page(request, form, members, status=422)
    shown = unseal(d["shown"], d["idempotency_key"], people) if confirmed else None
    if shown is None:
        duplicates = find_possible_duplicates(people, operation)
        if duplicates and not confirmed:
            # Only a possible duplicate stops the registration: the registrar decides.
            data = request.POST.copy()
            data["shelter"] = str(shelter.pk) if shelter else ""
            data["shown"] = seal([p.shown() for p in duplicates], d["idempotency_key"], people)
            form = HouseholdForm(data)
            form.is_valid()
            return _registration_page(
                request, form, members, confirming=True, suggestion=shelter, duplicates=duplicates
            )
        shown = [p.shown() for p in duplicates]
    try:
        household = do_register_at_desk(
            actor=actor,
            origin=d["origin"],
            mode=d["mode"],
            destination=d["destination"],
            members=people,
            idempotency_key=d["idempotency_key"],
            phone=d["phone"],
            destination_region=d["destination_region"],
            destination_address=d["destination_address"],
            shelter=shelter,
            shown_duplicates=shown,
        )
    except ShelterRefused:
        form.add_error(None, _("That shelter filled up meanwhile: register again for another one."))
        return _registration_page(request, form, members, status=409)
    messages.success(request, _("Household registered."))
    return redirect("desk_household", pk=household.pk)


def _with_rows(request: HttpRequest, members: MemberFormSet, extra: int) -> MemberFormSet:
    data = request.POST.copy()
    total = int(data.get("m-TOTAL_FORMS", MEMBER_ROWS) or MEMBER_ROWS)
    data["m-TOTAL_FORMS"] = str(min(total + extra, 30))
    return MemberFormSet(data, prefix="m")


def _chosen_shelter(actor, d) -> Shelter | None:  # type: ignore[no-untyped-def]
    if d["destination"] != Destination.SHELTER or not d.get("shelter"):
        return None
    operation = actor.membership.operation
    return Shelter.objects.filter(pk=d["shelter"], operation=operation, status=Status.OPEN).first()


def _suggest_shelter(actor, d, people) -> Shelter | None:  # type: ignore[no-untyped-def]
    if d["destination"] != Destination.SHELTER:
        return None
    origin = d["origin"]
    request = ShelterRequest(
        household=None,
        size=len(people),
        lat=origin.lat,
        lon=origin.lon,
        needs=frozenset().union(*(m.needs for m in people)),
    )
    open_shelters = Shelter.objects.filter(operation=actor.membership.operation, status=Status.OPEN)
    (shelter,) = plan_for_households([request], list(open_shelters))
    return shelter


def _registration_page(request, form, members, status=200, **extra) -> HttpResponse:  # type: ignore[no-untyped-def]
    if form.is_bound and not form.data.get("idempotency_key"):
        form.data = form.data.copy()
        form.data["idempotency_key"] = str(uuid.uuid4())
    return render(
        request,
        "desks/register.html",
        {
            "form": form,
            "members": members,
            "settlements": settlement_labels(),
            **extra,
        },
        status=status,
    )


@role_required(*HOUSEHOLD_READERS)
def household(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    found = selectors.household_for(actor, pk)
    movements = list(selectors.household_movements(found))
    return render(
        request,
        "desks/household.html",
        {
            "household": found,
            "people": list(found.members.all()),
            "events": selectors.household_events(movements),
            "shelter": selectors.current_shelter(movements),
        },
    )


@role_required(*HOUSEHOLD_READERS)
def households(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form, filters = _household_filters(request, actor)
    found = selectors.households_list(actor, request.GET, **filters)
    return render(
        request,
        "desks/households.html",
        {
            "form": form,
            "listing": found.listing,
            "rows": [(h, s, dict(DESTINATIONS).get(h.destination)) for h, s in found.rows],
            "can_export": actor.has_role(*COORDINATORS),
            "query": found.listing.url(page=None).lstrip("?"),
        },
    )


def _household_filters(request, actor):  # type: ignore[no-untyped-def]
    form = HouseholdFilterForm(request.GET or None, points=selectors.reception_points_for(actor))
    if not form.is_valid():
        return form, {}
    d = form.cleaned_data
    return form, {
        "number": d.get("number"),
        "reception_point": d.get("reception_point"),
        "destination": d.get("destination") or "",
    }


@role_required(*COORDINATORS)
def households_export(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _, filters = _household_filters(request, actor)
    return export.households_file(actor, selectors.households_table(actor, **filters), fmt)


@role_required(R.NATIONAL_COORDINATOR, R.TRACING_OFFICER)
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = selectors.search_persons(request.actor, **form.cleaned_data)  # type: ignore[attr-defined]
    return render(request, "desks/search.html", {"form": form, "found": found})


@role_required(*SHELTER_DESK)
def shelters(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form, filters = _shelter_filters(request, actor)
    listing = paginate(
        selectors.shelters_table(actor, **filters),
        request.GET,
        columns=selectors.shelter_columns(),
        default=selectors.DEFAULT_SHELTER_SORT,
    )
    return render(
        request,
        "desks/shelters.html",
        {
            "form": form,
            "listing": listing,
            "shelters": listing.rows,
            "can_export": actor.has_role(*COORDINATORS),
            "query": listing.url(page=None).lstrip("?"),
        },
    )


def _shelter_filters(request, actor):  # type: ignore[no-untyped-def]
    form = ShelterFilterForm(request.GET or None, regions=selectors.regions_for(actor))
    if not form.is_valid():
        return form, {}
    d = form.cleaned_data
    features = frozenset(w for w in ("wheelchair", "medical", "children", "pets") if d.get(w))
    return form, {
        "text": d.get("q") or "",
        "region": d.get("region"),
        "status": d.get("status") or "",
        "min_free": d.get("min_free"),
        "features": features,
    }


@role_required(*COORDINATORS)
def shelters_export(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _, filters = _shelter_filters(request, actor)
    return export.shelters_file(actor, selectors.shelters_table(actor, **filters), fmt)


@role_required(*SHELTER_DESK)
@require_http_methods(["GET", "POST"])
def shelter_desk(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    shelter = selectors.shelter_for(actor, pk)
    # A name typed into the residents' search comes by POST, and so do its pages.
    search = ResidentSearchForm(request.POST if request.method == "POST" else None)
    name = search.cleaned_data["name"] if search.is_valid() else ""
    params = request.POST if request.method == "POST" else request.GET
    return render(
        request,
        "desks/shelter.html",
        {
            "shelter": shelter,
            "households": selectors.shelter_households(actor, shelter, params, name=name),
            "search": search,
            "searching": bool(name),
            "checkout": CheckOutForm(),
            "status_form": ShelterStatusForm(
                initial={"status": shelter.status, "capacity": shelter.capacity}
            ),
            "changes": shelter.changes.order_by("-at", "-pk")[:10],
        },
    )


def _household_at_shelter(actor, pk: int, form):  # type: ignore[no-untyped-def]
    """The shelter and the household a desk form names, both within the actor's scope."""
    shelter = selectors.shelter_for(actor, pk)
    if not form.is_valid():
        raise Http404
    found = selectors.household_at_shelter(actor, shelter, form.cleaned_data["household"])
    return shelter, found, form


@role_required(*SHELTER_DESK)
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    shelter, found, _form = _household_at_shelter(actor, pk, CheckInForm(request.POST))
    try:
        do_desk_check_in(actor=actor, household=found, shelter=shelter)
        messages.success(request, _("Checked in."))
    except ShelterRefused:
        messages.error(request, _("Not checked in: the shelter has no room for them."))
    return redirect("desk_shelter", pk=pk)


@role_required(*SHELTER_DESK)
@require_POST
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    shelter, found, form = _household_at_shelter(actor, pk, CheckOutForm(request.POST))
    try:
        do_desk_check_out(actor=actor, household=found, shelter=shelter, to=form.cleaned_data["to"])
        messages.success(request, _("Checked out."))
    except ShelterRefused:
        messages.error(request, _("Not checked out: they are not inside this shelter."))
    return redirect("desk_shelter", pk=pk)


@role_required(*SHELTER_DESK)
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    shelter = selectors.shelter_for(actor, pk)
    form = ShelterStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Status not changed: give the status, the places and a reason."))
        return redirect("desk_shelter", pk=pk)
    try:
        do_desk_change_status(actor=actor, shelter=shelter, **form.cleaned_data)
        messages.success(request, _("Status changed."))
    except ShelterRefused:
        messages.error(request, _("Not changed: more people are inside or expected than that."))
    return redirect("desk_shelter", pk=pk)


@role_required(*SHELTER_DESK)
def shelter_map(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    since, _kinds = mapdata.evacuated(actor)
    response = render(
        request,
        "desks/map.html",
        {
            "tile_url": settings.TILE_URL,
            "tile_attribution": settings.TILE_ATTRIBUTION,
            "districts": mapdata.evacuated_districts(since),
        },
    )
    if tiles := _tile_origin(settings.TILE_URL):
        # The site's policy allows our own images only; this page also loads the tiles.
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "img-src 'self' data:", f"img-src 'self' data: {tiles}"
        )
    return response


def _tile_origin(url: str) -> str:
    """The scheme and host of a tile URL template, {s} subdomains as a wildcard."""
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = urlsplit(url).netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


@role_required(*SHELTER_DESK)
def shelter_map_data(request: HttpRequest) -> HttpResponse:
    features = mapdata.map_features(request.actor)  # type: ignore[attr-defined]
    return JsonResponse(features, content_type="application/geo+json")


@role_required(*COORDINATORS)
def region(request: HttpRequest, code: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    summary = selectors.region_for(actor, code)
    listing = paginate(
        selectors.shelters_table(actor, region=summary.region),
        request.GET,
        columns=selectors.shelter_columns(),
        default=Sort("name"),
    )
    return render(
        request,
        "desks/region.html",
        {"summary": summary, "listing": listing, "shelters": listing.rows},
    )
