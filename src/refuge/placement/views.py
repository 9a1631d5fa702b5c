"""Coordinator pages for placement: parse and authorise, then one selector or action."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.accounts.scope import OutOfScope, shelter_for, shelters_for
from refuge.core.listing import Sort
from refuge.desks.listing import paginate
from refuge.jobs.pages import job_page
from refuge.placement import selectors
from refuge.placement.actions import (
    PlanNotOpen,
    ShelterNotClosable,
    ShelterNotStandby,
    do_accept_closure,
    do_accept_plan,
    do_open_standby_shelter,
    do_propose_closure,
    do_queue_plan,
)
from refuge.placement.forms import ClosureForm, OpenStandbyForm, StandbySearchForm
from refuge.placement.models import PlacementPlan
from refuge.placement.services import recommend_standby

COORDINATORS = (Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR)


@role_required(*COORDINATORS)
@require_http_methods(["GET", "POST"])
def waiting(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if request.method == "POST":
        job = do_queue_plan(actor=actor)
        return redirect("placement_job", pk=job.pk)
    households = selectors.waiting_households(actor)
    shelters = selectors.open_shelters(actor)
    return render(
        request,
        "placement/waiting.html",
        {
            "households": len(households),
            "persons": sum(len(h.members.all()) for h in households),
            "free": sum(s.free for s in shelters),
            "shelters": len(shelters),
            "plans": selectors.plans_for(actor).select_related("closing_shelter")[:10],
        },
    )


@role_required(*COORDINATORS)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan being made: progress and log, then a link to review it."""
    found = selectors.plan_job_for(request.actor, pk)  # type: ignore[attr-defined]
    plan = found.result.get("plan") if found.state == found.State.DONE else None
    return job_page(
        request,
        found,
        heading=_("Plan for waiting households"),
        back=(reverse("placement_waiting"), _("Back to the waiting households")),
        result=(reverse("placement_plan", args=[plan]), _("Review the plan")) if plan else None,
    )


@role_required(*COORDINATORS)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.plan_for(request.actor, pk)  # type: ignore[attr-defined]
    return render(request, "placement/plan.html", {"view": selectors.plan_view(found)})


@role_required(*COORDINATORS)
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    found = selectors.plan_for(actor, pk)
    act = do_accept_plan if found.kind == PlacementPlan.Kind.WAITING else do_accept_closure
    try:
        result = act(actor=actor, plan=found)
    except PlanNotOpen:
        messages.error(request, _("This plan is no longer open: make a new one."))
        return redirect("placement_plan", pk=pk)
    messages.success(
        request,
        _("Accepted: %(done)d households done, %(skipped)d skipped.")
        % {"done": len(result.done), "skipped": len(result.skipped)},
    )
    if found.kind == PlacementPlan.Kind.CLOSURE and not result.closed:
        messages.error(request, _("The shelter is not closed: people remain in it."))
    return redirect("placement_plan", pk=pk)


@role_required(*COORDINATORS)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    shelters = shelters_for(actor).order_by("name", "pk")
    if request.method == "GET":
        initial = {}
        if "shelter" in request.GET:
            try:
                initial["shelter"] = shelter_for(actor, int(request.GET["shelter"]))
            except (OutOfScope, ValueError):
                raise Http404 from None
        form = ClosureForm(initial=initial, shelters=shelters)
        return render(request, "placement/close.html", {"form": form})
    form = ClosureForm(request.POST, shelters=shelters)
    if not form.is_valid():
        return render(request, "placement/close.html", {"form": form}, status=422)
    try:
        made = do_propose_closure(actor=actor, **form.cleaned_data)
    except ShelterNotClosable:
        form.add_error("shelter", _("This shelter is closed already."))
        return render(request, "placement/close.html", {"form": form}, status=422)
    return redirect("placement_plan", pk=made.pk)


@role_required(*COORDINATORS)
def standby(request: HttpRequest) -> HttpResponse:
    return _standby_page(request, forms={})


def _standby_page(request: HttpRequest, forms: dict, status: int = 200) -> HttpResponse:  # type: ignore[type-arg]
    actor = request.actor  # type: ignore[attr-defined]
    waiting = selectors.waiting_households(actor)
    recommended = recommend_standby(waiting, selectors.standby_shelters(actor))
    search = StandbySearchForm(request.GET or None)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    listing = paginate(
        selectors.standby_table(actor, [s.pk for s, _ in recommended], text=text),
        request.GET,
        columns=selectors.STANDBY_COLUMNS,
        default=Sort("recommended"),
    )
    rows = [(s, forms.get(s.pk) or OpenStandbyForm(prefix=f"s{s.pk}")) for s in listing.rows]
    return render(
        request,
        "placement/standby.html",
        {
            "recommended": recommended,
            "rows": rows,
            "listing": listing,
            "search": search,
            "waiting_persons": sum(len(h.members.all()) for h in waiting),
        },
        status=status,
    )


@role_required(*COORDINATORS)
@require_POST
def open_standby(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    shelter = shelter_for(actor, pk)
    form = OpenStandbyForm(request.POST, prefix=f"s{pk}")
    if form.is_valid():
        try:
            do_open_standby_shelter(actor=actor, shelter=shelter, **form.cleaned_data)
        except ShelterNotStandby:
            form.add_error(None, _("This shelter is not on standby."))
        else:
            messages.success(request, _("%(name)s is open.") % {"name": shelter.name})
            return redirect("placement_standby")
    if shelter.status != "standby":
        messages.error(request, _("%(name)s is not on standby.") % {"name": shelter.name})
        return redirect("placement_standby")
    return _standby_page(request, forms={pk: form}, status=422)
