"""Warning pages: the public list, feed and CAP files (no login), and the duty desk."""

from __future__ import annotations

import time
from collections.abc import Callable
from xml.etree import ElementTree as ET

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.alerts import actions, areas, selectors
from refuge.alerts.forms import DraftForm, ImportForm
from refuge.alerts.wording import LANGUAGES, TEMPLATES
from refuge.core import cap

DRAFTERS = (Role.DUTY_OFFICER, Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR)
RELEASERS = (Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR)
ATOM = "http://www.w3.org/2005/Atom"
CAP_TYPE = "application/cap+xml"


# Rendered public page and feed per language, kept while selectors.public_stamp is
# unchanged: a warning draws everyone at once, and the page is the same for all of them.
# Per process, checked with one query per request; a minute at most in any case.
_RENDERED: dict[tuple[object, ...], tuple[float, bytes, str]] = {}
KEEP_SECONDS = 60.0


def _memo(key: tuple[object, ...], make: Callable[[], HttpResponse]) -> HttpResponse:
    stamp = (*key, *selectors.public_stamp(timezone.now()))
    hit = _RENDERED.get(stamp)
    if hit is None or time.monotonic() - hit[0] > KEEP_SECONDS:
        response = make()
        if response.status_code != 200:
            return response
        if len(_RENDERED) > 64:
            _RENDERED.clear()
        hit = _RENDERED[stamp] = (time.monotonic(), response.content, response["Content-Type"])
    return HttpResponse(hit[1], content_type=hit[2])


def _lang(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in LANGUAGES else (translation.get_language() or "en")[:2]


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    return _memo(("page", lang), lambda: _public(request, lang))


def _public(request: HttpRequest, lang: str) -> HttpResponse:
    now = timezone.now()
    with translation.override(lang):
        return render(
            request,
            "alerts/public.html",
            {
                "lang": lang,
                "languages": LANGUAGES,
                "current": [(a, a.text(lang)) for a in selectors.in_force(now)[:50]],
                "past": [(a, a.text(lang)) for a in selectors.recent_past(now)],
                "map": selectors.alarm_map(now, lang),
                "alarms": selectors.region_names(
                    [r for r, on in selectors.region_states(now).items() if on], lang
                ),
            },
        )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    lang = _lang(request)
    alert = selectors.public_alert(pk)
    with translation.override(lang):
        return render(
            request,
            "alerts/detail.html",
            {"alert": alert, "t": alert.text(lang), "lang": lang, "languages": LANGUAGES,
             "in_force": selectors.in_force(timezone.now()).filter(pk=pk).exists()},
        )  # fmt: skip


@require_GET
def cap_xml(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.public_alert(pk)
    response = HttpResponse(bytes(alert.xml), content_type=f"{CAP_TYPE}")
    response["Content-Disposition"] = f'inline; filename="alert-{alert.pk}.xml"'
    return response


@require_GET
def atom(request: HttpRequest) -> HttpResponse:
    """The Atom feed aggregators poll: each entry links its CAP message."""
    lang = _lang(request)
    key = ("atom", lang, request.build_absolute_uri())
    return _memo(key, lambda: _atom(request, lang))


def _atom(request: HttpRequest, lang: str) -> HttpResponse:
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    base = request.build_absolute_uri("/alerts/")

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text:
            el.text = text
        return el

    entries = selectors.feed()
    sub(root, "id", base)
    with translation.override(lang):
        sub(root, "title", _("Public warnings"))
    updated = max((a.sent for a in entries if a.sent), default=timezone.now())
    sub(root, "updated", updated.isoformat(timespec="seconds"))
    sub(root, "link", rel="self", href=request.build_absolute_uri())
    sub(root, "link", rel="alternate", type="text/html", href=f"{base}?lang={lang}")
    sub(sub(root, "author"), "name", "Refuge")
    for a in entries:
        t = a.text(lang)
        entry = sub(root, "entry")
        sub(entry, "id", f"urn:cap:{a.sender}:{a.identifier}")
        sub(entry, "title", t.get("headline", a.identifier))
        sub(entry, "updated", (a.sent or updated).isoformat(timespec="seconds"))
        sub(entry, "summary", " ".join(x for x in (t.get("area"), t.get("instruction")) if x))
        sub(entry, "link", rel="alternate", type=CAP_TYPE, href=f"{base}{a.pk}.xml")
        sub(entry, "link", rel="related", type="text/html", href=f"{base}{a.pk}/?lang={lang}")
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@require_GET
def regions(request: HttpRequest) -> JsonResponse:
    """Regions under an air-raid alert now, as the public air-alert services list them."""
    states = selectors.region_states(timezone.now())
    return JsonResponse({"alerts": sorted(r for r, on in states.items() if on)})


# --- the duty desk -------------------------------------------------------------------


def _operation(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.actor.membership.operation  # type: ignore[attr-defined]


@role_required(*DRAFTERS)
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    operation = _operation(request)
    choices = areas.choices(operation.affected_region)
    form = DraftForm(
        request.POST or None, areas=choices, region_code=operation.affected_region.code
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            alert = _draft(request, operation, d)
        except areas.UnknownArea:
            form.add_error("area", _("No settlement of the gazetteer lies in this area."))
        else:
            messages.success(request, _("Draft saved. Another coordinator must release it."))
            return redirect("alerts_desk_alert", pk=alert.pk)
    status = 400 if request.method == "POST" else 200
    lang = (translation.get_language() or "en")[:2]
    alerts = [(a, a.text(lang)) for a in selectors.desk_alerts(operation.pk)[:100]]
    orders = selectors.orders_without_warning(operation.pk)
    context = {"form": form, "alerts": alerts, "orders": orders}
    return render(request, "alerts/desk.html", context, status=status)


def _draft(request: HttpRequest, operation, d: dict[str, object]):  # type: ignore[no-untyped-def]
    return actions.do_draft_alert(
        actor=request.actor,  # type: ignore[attr-defined]
        operation=operation,
        template=d["template"],
        area=d["area"],
        place=d["place"],
        hours=d["hours"],
        description=d["description"],
        status="Exercise" if d["exercise"] else "Actual",
    )


@role_required(*DRAFTERS)
@require_POST
def draft_for_order(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.desk_order(_operation(request).pk, pk)
    try:
        alert = actions.do_draft_for_order(actor=request.actor, order=order)  # type: ignore[attr-defined]
    except areas.UnknownArea:
        messages.error(request, _("This order covers no settlement of the gazetteer."))
        return redirect("alerts_desk")
    messages.success(request, _("Draft saved. Another coordinator must release it."))
    return redirect("alerts_desk_alert", pk=alert.pk)


@role_required(*DRAFTERS)
@require_GET
def desk_alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.desk_alert(_operation(request).pk, pk)
    actor = request.actor  # type: ignore[attr-defined]
    lang = (translation.get_language() or "en")[:2]
    return render(
        request,
        "alerts/desk_alert.html",
        {
            "alert": alert,
            "t": alert.text(lang),
            "texts": [(code, alert.text(code)) for code in LANGUAGES],
            "may_release": alert.state == "draft"
            and actor.has_role(*RELEASERS)
            and alert.drafted_by_id != actor.user.pk,
            "own_draft": alert.drafted_by_id == actor.user.pk,
            "in_force": selectors.in_force(timezone.now()).filter(pk=pk).exists(),
            "air_raid": TEMPLATES.get(alert.template) is not None
            and TEMPLATES[alert.template].air_raid,
        },
    )


@role_required(*RELEASERS)
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.desk_alert(_operation(request).pk, pk)
    try:
        actions.do_release_alert(actor=request.actor, alert=alert)  # type: ignore[attr-defined]
    except actions.AlertRefused:
        messages.error(request, _("Nobody releases their own draft, and only a draft is released."))
        return redirect("alerts_desk_alert", pk=pk)
    messages.success(request, _("Released: the warning is public now."))
    return redirect("alerts_desk_alert", pk=pk)


@role_required(*DRAFTERS)
@require_POST
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.desk_alert(_operation(request).pk, pk)
    kind = request.POST.get("kind", "")
    try:
        draft = actions.do_draft_followup(
            actor=request.actor,  # type: ignore[attr-defined]
            alert=alert,
            msg_type=kind,
        )
    except actions.AlertRefused:
        messages.error(request, _("Only a warning in force can be updated, cancelled or ended."))
        return redirect("alerts_desk_alert", pk=pk)
    return redirect("alerts_desk_alert", pk=draft.pk)


@role_required(*DRAFTERS)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                if f.size > cap.MAX_BYTES:
                    raise cap.CapError(_("The file is too large."))
                alert, created = actions.do_import_cap(
                    actor=request.actor,  # type: ignore[attr-defined]
                    data=f.read(cap.MAX_BYTES + 1),
                    source=_("uploaded by %(user)s") % {"user": request.user.get_username()},
                    operation=_operation(request),
                )
            except cap.CapError as e:
                form.add_error("file", _("Refused: %(why)s") % {"why": e})
            else:
                if created:
                    messages.success(request, _("Imported."))
                else:
                    messages.info(request, _("This message was already imported."))
                return redirect("alerts_detail", pk=alert.pk)
    return render(request, "alerts/upload.html", {"form": form}, status=status)
