"""Tracing pages: parse and authorise, then call one selector or action."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.accounts.scope import actor_for
from refuge.limits.references import enquiry_id_for
from refuge.tracing import actions, selectors
from refuge.tracing.evidence import against_in_words, in_words
from refuge.tracing.forms import (
    DecideForm,
    HouseholdMergeForm,
    PublicSearchForm,
    ReferenceForm,
    ResolveForm,
)

OFFICERS = (Role.TRACING_OFFICER, Role.NATIONAL_COORDINATOR)


@role_required(*OFFICERS)
def queue(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return render(
        request,
        "tracing/queue.html",
        {
            "pairs": selectors.open_pairs(actor),
            "merges": selectors.recent_merges(actor),
            "imported": selectors.imported_matches(actor),
        },
    )


@role_required(*OFFICERS)
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    found, left, right = selectors.pair_for(request.actor, pk)  # type: ignore[attr-defined]
    return render(
        request,
        "tracing/pair.html",
        {
            "pair": found,
            "left": left,
            "right": right,
            "form": DecideForm(),
            "said": in_words(found.evidence.get("evidence", [])),
            "against": against_in_words(found.evidence.get("contradictions", [])),
        },
    )


@role_required(*OFFICERS)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    found, left, right = selectors.pair_for(actor, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        context = {
            "pair": found,
            "left": left,
            "right": right,
            "form": form,
            "said": in_words(found.evidence.get("evidence", [])),
            "against": against_in_words(found.evidence.get("contradictions", [])),
        }
        return render(request, "tracing/pair.html", context, status=422)
    d = form.cleaned_data
    try:
        if d["decision"] == "merge":
            kept = right.person if d["kept"] == "right" else left.person
            actions.do_merge(actor=actor, candidate=found, kept=kept, reason=d["reason"])
            messages.success(request, _("Merged: the two registrations are one person."))
        else:
            actions.do_keep_apart(actor=actor, candidate=found, reason=d["reason"])
            messages.success(request, _("Kept apart: two different people."))
    except actions.DecisionRefused:
        messages.error(request, _("Not changed: this pair was decided meanwhile."))
    return redirect("tracing_queue")


@role_required(*OFFICERS)
@require_http_methods(["GET", "POST"])
def merge_household(request: HttpRequest, pk: int) -> HttpResponse:
    """Both registrations of a family side by side, paired member by member; merge all."""
    actor = request.actor  # type: ignore[attr-defined]
    pairing = selectors.household_pairing(actor, pk)
    form = HouseholdMergeForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        status = 422 if form.is_bound else 200
        context = {"pairing": pairing, "form": form}
        return render(request, "tracing/household_merge.html", context, status=status)
    d = form.cleaned_data
    kept, merged = (
        (pairing.left, pairing.right) if d["kept"] == "left" else (pairing.right, pairing.left)
    )
    members = [(a, b) if d["kept"] == "left" else (b, a) for a, b in pairing.members]
    try:
        actions.do_merge_households(
            actor=actor, kept=kept, merged=merged, members=members, reason=d["reason"]
        )
        messages.success(request, _("Merged: the two households are one family."))
    except actions.DecisionRefused:
        messages.error(request, _("Not merged: someone in them was merged meanwhile."))
    return redirect("tracing_queue")


@role_required(*OFFICERS)
@require_POST
def undo_merge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    merge = selectors.merge_for(actor, pk)
    try:
        actions.do_undo_merge(actor=actor, merge=merge)
        messages.success(request, _("Merge undone: the pair is back in the queue."))
    except actions.DecisionRefused:
        messages.error(request, _("This merge was undone already."))
    return redirect("tracing_queue")


@role_required(*OFFICERS)
def enquiries(request: HttpRequest) -> HttpResponse:
    found = selectors.open_enquiries(request.actor)  # type: ignore[attr-defined]
    context = {"enquiries": found, "reference_form": ReferenceForm()}
    return render(request, "tracing/enquiries.html", context)


@role_required(*OFFICERS)
@require_POST
def enquiry_by_reference(request: HttpRequest) -> HttpResponse:
    """A relative calls with the reference number the find page gave them."""
    form = ReferenceForm(request.POST)
    enquiry_id = enquiry_id_for(form.cleaned_data["reference"]) if form.is_valid() else None
    if enquiry_id is None:
        messages.error(request, _("No enquiry has this reference number."))
        return redirect("tracing_enquiries")
    selectors.enquiry_for(request.actor, enquiry_id)  # type: ignore[attr-defined]
    return redirect("tracing_enquiry", pk=enquiry_id)


@role_required(*OFFICERS)
def enquiry(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    found = selectors.enquiry_for(actor, pk)
    return render(
        request,
        "tracing/enquiry.html",
        {
            "enquiry": found,
            "candidates": selectors.enquiry_candidates(actor, found),
            "form": ResolveForm(),
        },
    )


@role_required(*OFFICERS)
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    found = selectors.enquiry_for(actor, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not resolved: say what was done."))
        return redirect("tracing_enquiry", pk=pk)
    try:
        actions.do_resolve_enquiry(actor=actor, enquiry=found, note=form.cleaned_data["note"])
        messages.success(request, _("Enquiry resolved."))
    except actions.DecisionRefused:
        messages.error(request, _("This enquiry was resolved already."))
    return redirect("tracing_enquiries")


@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    """The public page: no sign-in; POST only, so nothing typed lands in a URL or a log."""
    form = PublicSearchForm(request.POST or None)
    answer = reference = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            outcome = actions.do_public_search(
                actor=actor_for(request),
                query=actions.TracingQuery(
                    family_name=d["family_name"],
                    given_name=d["given_name"],
                    patronymic=d["patronymic"],
                    birth_year=d["birth_year"],
                    settlement=d["settlement"],
                ),
                enquirer_name=d["enquirer_name"],
                enquirer_contact=d["enquirer_contact"],
                message=d["message"],
            )
            answer, reference = outcome.answer, outcome.reference
            if answer == actions.SearchAnswer.RATE_LIMITED:
                status = 429
            elif answer != actions.SearchAnswer.TOO_VAGUE:
                form = PublicSearchForm()  # recorded: the next search starts empty
        else:
            status = 422
    context = {"form": form, "answer": answer, "reference": reference}
    return render(request, "tracing/find.html", context, status=status)
