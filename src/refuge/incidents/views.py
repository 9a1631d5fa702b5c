"""The incident desk: the log of incidents and what each service has deployed on them,
kept by duty officers and coordinators of the operation. The situation report's incidents
section reads the same rows (incidents.selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.alerts import selectors as alert_selectors
from refuge.alerts.models import Alert
from refuge.core.sitrep import deployed_at, incident_section
from refuge.incidents import actions
from refuge.incidents.forms import DeploymentForm, ReportForm, UpdateForm
from refuge.incidents.models import Incident
from refuge.incidents.selectors import deployment_rows, incident_rows
from refuge.reports.render import special_names

KEEPERS = (Role.DUTY_OFFICER, Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR)


def _operation(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.actor.membership.operation  # type: ignore[attr-defined]


def _incident(request: HttpRequest, pk: int) -> Incident:
    try:
        return Incident.objects.get(pk=pk, operation=_operation(request))
    except Incident.DoesNotExist:
        raise Http404 from None


def _ours(operation) -> Q:  # type: ignore[no-untyped-def]
    return Q(operation=operation) | Q(operation__isnull=True)


def _alert_choices(operation) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    lang = (translation.get_language() or "en")[:2]
    # The operation's own warnings and partners' imported ones (which belong to none).
    in_force = alert_selectors.in_force(timezone.now()).filter(_ours(operation))
    return [(a.pk, a.text(lang).get("headline") or a.identifier) for a in in_force[:50]]


@role_required(*KEEPERS)
@require_http_methods(["GET", "POST"])
def log(request: HttpRequest) -> HttpResponse:
    operation = _operation(request)
    with timezone.override(operation.timezone):
        now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
        form = ReportForm(
            request.POST or None, alerts=_alert_choices(operation), initial={"reported_at": now}
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            incident = actions.do_report_incident(
                actor=request.actor,  # type: ignore[attr-defined]
                operation=operation,
                kind=d["kind"],
                name=d["name"],
                place=d["place"],
                reported_at=d["reported_at"],
                lat=d["lat"],
                lon=d["lon"],
                alerts=list(Alert.objects.filter(_ours(operation), pk__in=d["alerts"])),
            )
            messages.success(request, _("Incident recorded."))
            return redirect("incidents_detail", pk=incident.pk)
        at = timezone.now()
        section = incident_section(at, incident_rows(operation, at), deployment_rows(operation, at))
        deployed = {x.incident_id: x for x in section.open}
        incidents = list(Incident.objects.filter(operation=operation)[:200])
        return render(
            request,
            "incidents/log.html",
            {
                "form": form,
                "open": [(i, deployed.get(i.pk)) for i in incidents if i.closed_at is None],
                "closed": [i for i in incidents if i.closed_at is not None],
                "section": section,
                "special_names": special_names(),
            },
            status=400 if request.method == "POST" else 200,
        )


@role_required(*KEEPERS)
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    with timezone.override(_operation(request).timezone):
        return _detail(request, incident)


def _detail(
    request: HttpRequest,
    incident: Incident,
    deploy: DeploymentForm | None = None,
    update: UpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    rows = list(incident.deployments.all())  # in order of service, time, entry
    closed = incident.closed_at is not None and incident.closed_at <= timezone.now()
    current = [] if closed else list(deployed_at(timezone.now(), rows).values())
    names = special_names()
    lang = (translation.get_language() or "en")[:2]
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "current": current,
            "personnel": sum(d.personnel for d in current),
            "units": sum(d.units for d in current),
            "history": sorted(rows, key=lambda d: (d.at, d.pk), reverse=True),
            "special_names": names,
            "services": sorted({d.service for d in rows}),
            "alerts": [(a, a.text(lang)) for a in incident.alerts.all()],
            "deploy": deploy or DeploymentForm(incident=incident, initial={"at": now}),
            "update": update or UpdateForm(incident=incident),
            "open": incident.closed_at is None,
        },
        status=status,
    )


@role_required(*KEEPERS)
@require_POST
def deploy(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    with timezone.override(_operation(request).timezone):
        form = DeploymentForm(request.POST, incident=incident)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.do_record_deployment(
                    actor=request.actor,  # type: ignore[attr-defined]
                    incident=incident,
                    service=d["service"].strip(),
                    at=d["at"],
                    personnel=d["personnel"],
                    units=d["units"],
                    special=d["special"],
                )
            except actions.IncidentRefused:
                # The form checks what the action checks; a refusal here is a race with a
                # closure recorded meanwhile.
                form.add_error(None, _("The incident changed meanwhile; check the times."))
            else:
                messages.success(request, _("Deployment recorded."))
                return redirect("incidents_detail", pk=pk)
        return _detail(request, incident, deploy=form, status=400)


@role_required(*KEEPERS)
@require_POST
def update(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    with timezone.override(_operation(request).timezone):
        form = UpdateForm(request.POST, incident=incident)
        if form.is_valid():
            d = form.cleaned_data
            actions.do_update_incident(
                actor=request.actor,  # type: ignore[attr-defined]
                incident=incident,
                contained_at=d["contained_at"],
                closed_at=d["closed_at"],
                dead=d["dead"],
                injured=d["injured"],
            )
            messages.success(request, _("Incident updated."))
            return redirect("incidents_detail", pk=pk)
        return _detail(request, incident, update=form, status=400)
