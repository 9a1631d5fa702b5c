"""Desk pages: parse and authorise, then call one selector or action."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.accounts.scope import actor_for
from refuge.core.listing import Sort
from refuge.core.names.forms import SURNAME_GENDER_ENDINGS
from refuge.desks import export, landing, mapdata, selectors
from refuge.desks.actions import (
    KeyUsedElsewhere,
    do_add_to_household_at_desk,
    do_desk_change_status,
    do_desk_check_in,
    do_desk_check_out,
    do_queue_export,
    do_register_at_desk,
)
from refuge.desks.duplicates import (
    keep_shown,
    possible_duplicates_for,
    shown_before,
    typed_as_saved,
)
from refuge.desks.forms import (
    DESTINATIONS,
    CheckInForm,
    CheckOutForm,
    HouseholdFilterForm,
    HouseholdForm,
    PersonSearchForm,
    ResidentSearchForm,
    ShelterFilterForm,
    ShelterStatusForm,
    member_formset,
)
from refuge.desks.listing import paginate
from refuge.geo.selectors import settlement_labels
from refuge.jobs import files
from refuge.jobs.pages import job_page
from refuge.placement.services import ShelterRequest, plan_for_households
from refuge.registry.models import Destination
from refuge.reports.selectors import sitrep
from refuge.shelters.actions import ShelterRefused
from refuge.shelters.models import Shelter, Status
from refuge.web.middleware import CONTENT_SECURITY_POLICY

R = Role
COORDINATORS = (R.NATIONAL_COORDINATOR, R.REGIONAL_COORDINATOR)
SHELTER_DESK = (*COORDINATORS, R.SHELTER_MANAGER)
HOUSEHOLD_READERS = (*SHELTER_DESK, R.REGISTRAR, R.TRACING_OFFICER)
# The page's script carries the family name to a new row in that person's form, by the
# same table as the server's `surname_for_sex`.
SURNAME_ENDINGS = json.dumps(SURNAME_GENDER_ENDINGS, ensure_ascii=False)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: their own work, read within their scope (desks.landing)."""
    actor = actor_for(request)
    work: dict[str, object] = {}
    if actor.has_role(R.REGISTRAR):
        work["today"] = landing.todays_registrations(actor, timezone.now())
    elif actor.has_role(R.SHELTER_MANAGER):
        work["shelters"] = landing.my_shelters(actor)
    elif actor.has_role(*COORDINATORS):
        report = sitrep(actor.membership.operation, timezone.now())  # type: ignore[union-attr]
        work["report"] = report
        work["filling"] = landing.shelters_about_to_fill(actor)
        region = actor.membership.region  # type: ignore[union-attr]
        if actor.has_role(R.REGIONAL_COORDINATOR) and region is not None:
            # Their region's shelters beside the operation's totals, each figure named.
            work["my_region"] = {
                "name": region.name,
                "occupants": next(
                    (r.occupants for r in report.by_region if r.region == region.code), 0
                ),
            }
    elif actor.has_role(R.TRACING_OFFICER):
        work["tracing"] = landing.tracing_work(actor)
    return render(request, "desks/home.html", {"actor": actor, **work})


@role_required(R.REGISTRAR)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "GET":
        form = HouseholdForm(initial={"destination": Destination.SHELTER})
        return _registration_page(request, form, member_formset())
    if "more" in request.POST:  # the page without its script: one more row, server-side
        # Unbound with what was typed, so the fields not filled yet are not called errors.
        form = HouseholdForm(initial=request.POST.dict())
        return _registration_page(request, form, member_formset(request.POST, more=1), adding=True)
    form = HouseholdForm(request.POST)
    members = member_formset(request.POST)
    if not (form.is_valid() and members.is_valid()):
        return _registration_page(request, form, members, status=422)
    people = members.members(form.cleaned_data["consents_to_be_found"])
    if earlier := selectors.registered_with_key(actor, form.cleaned_data["idempotency_key"]):
        return _saved_already(request, earlier, people)
    if "join" in request.POST:
        return _join_family(request, actor, form, members, people)
    return _register_household(request, actor, form, members, people)


def _saved_already(request: HttpRequest, household_id: int, people) -> HttpResponse:  # type: ignore[no-untyped-def]
    """A repeated submit: the household saved the first time, and a word if it was edited."""
    if not typed_as_saved(household_id, people):
        messages.warning(
            request,
            _("This form had been saved already: the changes made since were not saved. "
              "Correct the household here."),
        )  # fmt: skip
    return redirect("desk_household", pk=household_id)


def _register_household(request, actor, form, members, people) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Save a valid household, unless a possible duplicate needs the registrar first."""
    d = form.cleaned_data
    confirmed = "confirm" in request.POST
    # The shelter the confirmation page showed, else (none shown, or since closed) the engine's.
    shelter = (_chosen_shelter(actor, d) if confirmed else None) or _suggest_shelter(
        actor, d, people
    )
    if d["destination"] == Destination.SHELTER and shelter is None:
        form.add_error(
            None, _("No shelter has room for this household: choose another destination.")
        )
        return _registration_page(request, form, members, status=422)
    key = d["idempotency_key"]
    shown = shown_before(request.session, d["shown"], key, people) if confirmed else None
    if shown is None:
        report = possible_duplicates_for(actor, people, d["phone"])
        if report and not confirmed:
            # Only a possible duplicate stops the registration: the registrar decides.
            return _confirmation_page(request, members, report, shelter, people)
        shown = report.shown
    try:
        household, _created = do_register_at_desk(
            actor=actor,
            origin=d["origin"],
            mode=d["mode"],
            destination=d["destination"],
            members=people,
            idempotency_key=key,
            phone=d["phone"],
            destination_region=d["destination_region"],
            destination_address=d["destination_address"],
            shelter=shelter,
            shown_duplicates=shown,
        )
    except ShelterRefused:
        form.add_error(None, _("That shelter filled up meanwhile: register again for another one."))
        return _registration_page(request, form, members, status=409)
    except KeyUsedElsewhere:
        return _stale_page(request, members)
    messages.success(request, _("Household registered."))
    return redirect("desk_household", pk=household.pk)


def _confirmation_page(request, members, report, shelter, people) -> HttpResponse:  # type: ignore[no-untyped-def]
    data = request.POST.copy()
    data["shelter"] = str(shelter.pk) if shelter else ""
    data["shown"] = keep_shown(request.session, report, data["idempotency_key"], people)
    form = HouseholdForm(data)
    form.is_valid()
    return _registration_page(
        request, form, members, confirming=True, suggestion=shelter, duplicates=report
    )


def _stale_page(request: HttpRequest, members) -> HttpResponse:  # type: ignore[no-untyped-def]
    """The page's key is spent elsewhere: nothing saved, the same form with a fresh key."""
    data = request.POST.copy()
    data["idempotency_key"] = str(uuid.uuid4())
    data["shown"] = ""
    form = HouseholdForm(data)
    form.is_valid()
    form.add_error(
        None, _("Nothing was saved: this page had been sent before. Check it and register again.")
    )
    return _registration_page(request, form, members, status=409)


def _join_family(request, actor, form, members, people) -> HttpResponse:  # type: ignore[no-untyped-def]
    """ "The same family": add the members not in the earlier household to it."""
    d = form.cleaned_data
    join = request.POST.get("join", "")
    household = selectors.household_for(actor, int(join) if join.isdigit() else 0)
    report = possible_duplicates_for(actor, people, d["phone"])
    family = report.family(household.pk)
    if family is None:
        form.add_error(None, _("That household does not look like this family: check again."))
        return _registration_page(request, form, members, status=422)
    newcomers = [i for i in range(len(people)) if i not in family.members_there]
    if not newcomers:  # also a repeated submit: the newcomers are in the family by now
        messages.info(request, _("Everyone typed is in this household already."))
        return redirect("desk_household", pk=household.pk)
    renumbered = {old: new for new, old in enumerate(newcomers)}
    pairs = [
        replace(p, member_index=renumbered[p.member_index])
        for p in report.shown
        if p.member_index in renumbered and p.person_id not in family.person_ids
    ]
    try:
        do_add_to_household_at_desk(
            actor=actor, household=household, newcomers=[people[i] for i in newcomers],
            origin=d["origin"], mode=d["mode"], shown_duplicates=pairs,
        )  # fmt: skip
    except ShelterRefused:
        form.add_error(
            None, _("The family's shelter has no room for the newcomers: nobody was added.")
        )
        return _registration_page(request, form, members, status=409)
    messages.success(request, _("Added to the household."))
    return redirect("desk_household", pk=household.pk)


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
            "surname_endings": SURNAME_ENDINGS,
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
@require_http_methods(["GET", "POST"])
def households_export(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _, filters = _household_filters(request, actor)
    rows = selectors.households_table(actor, **filters)
    return _export(request, export.HOUSEHOLDS, rows, filters, fmt)


def _export(request, wanted, rows, filters, fmt):  # type: ignore[no-untyped-def]
    """The file at once, or, over EXPORT_JOB_ROWS rows, a page that offers to make it in
    the background (GET changes nothing); its POST queues the job and shows its page."""
    actor = request.actor
    export.check_format(fmt)
    many = export.too_long_for_a_request(rows)
    if many is None:
        if request.method == "POST":
            return redirect(f"{request.path}?{request.GET.urlencode()}")
        return export.direct(actor, wanted, rows, fmt)
    if request.method == "POST":
        job = do_queue_export(
            actor=actor, export=wanted.name, fmt=fmt, rows=many,
            filters=selectors.export_filters(filters), lang=get_language(),
        )  # fmt: skip
        return redirect("desk_export_job", pk=job.pk)
    return render(
        request,
        "desks/export_large.html",
        {"rows": many, "fmt": fmt, "export": wanted.name, "limit": settings.EXPORT_JOB_ROWS,
         "back": _list_page(wanted)},
    )  # fmt: skip


@role_required(*COORDINATORS)
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    job = selectors.export_job_for(actor, pk)
    wanted = export.EXPORTS[job.payload["export"]]
    fmt = job.payload["fmt"]
    kept = files.stored(job)
    gone = ""
    if job.state == job.State.DONE and kept is None:
        gone = _("The file was deleted %(hours)s hours after it was made, as files with "
                 "personal data are. Ask for the export again.") % {
            "hours": f"{files.retention().total_seconds() / 3600:g}"}  # fmt: skip
    return job_page(
        request,
        job,
        heading=_("Export: %(list)s (%(format)s)")
        % {"list": _list_name(wanted), "format": fmt.upper()},
        back=(reverse(_list_page(wanted)), _("Back to the list")),
        result=(reverse("desk_export_file", args=[job.pk]), _("Download the file"))
        if kept
        else None,
        result_gone=gone,
    )


@role_required(*COORDINATORS)
def export_file(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    job = selectors.export_job_for(actor, pk)
    kept = files.stored(job) if job.state == job.State.DONE else None
    if kept is None:
        return redirect("desk_export_job", pk=pk)
    wanted = export.EXPORTS[job.payload["export"]]
    fmt = job.payload["fmt"]
    export.audit(actor, wanted, fmt, int(job.result.get("rows", 0)), job=job.pk)
    return FileResponse(
        open(kept, "rb"),  # noqa: SIM115  (FileResponse closes it)
        as_attachment=True,
        filename=f"{wanted.name}.{fmt}",
        content_type=export.CONTENT_TYPES[fmt],
    )


def _list_name(wanted: export.Export) -> str:
    return _("households list") if wanted is export.HOUSEHOLDS else _("shelters list")


def _list_page(wanted: export.Export) -> str:
    return "desk_households" if wanted is export.HOUSEHOLDS else "desk_shelters"


@role_required(*HOUSEHOLD_READERS)
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    # POST only: what was typed (a name, a phone) never reaches a URL or a log line.
    form = PersonSearchForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = selectors.search_persons(request.actor, **form.cleaned_data)  # type: ignore[attr-defined]
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "desks/search.html", {"form": form, "result": result}, status=status)


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
@require_http_methods(["GET", "POST"])
def shelters_export(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _, filters = _shelter_filters(request, actor)
    rows = selectors.shelters_table(actor, **filters)
    return _export(request, export.SHELTERS, rows, filters, fmt)


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
