"""Writes of the alerts app: draft, release by a second person, follow-ups, import.

Each runs in one transaction with its audit entry. A released message is written once,
validated against the OASIS CAP 1.2 schema, and stored as served.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from refuge.accounts.scope import Actor
from refuge.alerts import areas
from refuge.alerts.models import Alert, RegionAlarm
from refuge.alerts.wording import LANGUAGES, NEAREST_SHELTERS, TEMPLATES
from refuge.audit.actions import do_record
from refuge.core import cap
from refuge.operations.models import EvacuationOrder, Operation
from refuge.webhooks import events as webhooks

PUBLIC_URL = "/alerts/"


class AlertRefused(ValueError):
    """An action refused, with a message for the user."""


def sender_for(operation: Operation) -> str:
    return getattr(settings, "REFUGE_CAP_SENDER", "") or f"{operation.slug}@refuge.example"


def public_url() -> str:
    """Where the public reads warnings: REFUGE_PUBLIC_URL (the site's address) + /alerts/."""
    return getattr(settings, "REFUGE_PUBLIC_URL", "").rstrip("/") + PUBLIC_URL


def _summary(message: cap.Message) -> dict[str, dict[str, str]]:
    out = {}
    for info in message.infos:
        lang = info.language.split("-")[0].lower()
        out.setdefault(
            lang,
            {
                "event": info.event,
                "headline": info.headline or info.event,
                "description": info.description,
                "instruction": info.instruction,
                "area": ", ".join(a.desc for a in info.areas),
                "severity": info.severity,
                "urgency": info.urgency,
                "sender_name": info.sender_name,
            },
        )
    return out


def build_message(alert: Alert, *, sent: datetime) -> cap.Message:
    """The CAP message of one of our alerts as released at `sent`."""
    p = alert.params
    wording = TEMPLATES[p["template"]]
    where = areas.place(p["area"])
    expires = sent + timedelta(hours=int(p.get("hours") or wording.hours))
    assert alert.operation is not None
    refs: tuple[cap.Reference, ...] = ()
    if alert.replaces is not None and alert.replaces.sent is not None:
        r = alert.replaces
        refs = (cap.Reference(r.sender, r.identifier, r.sent),)
    infos = []
    for lang in LANGUAGES:
        fill = {"area": where.names[lang], "place": p.get("place", "")}
        instruction = wording.instruction[lang].format(**fill)
        if p.get("shelters"):
            instruction += " " + NEAREST_SHELTERS[lang].format(shelters=p["shelters"])
        infos.append(
            cap.Info(
                language=lang,
                categories=wording.category,
                event=wording.event[lang],
                response_types=(wording.response,),
                urgency=wording.urgency,
                severity=wording.severity,
                certainty=wording.certainty,
                effective=sent,
                expires=expires,
                sender_name=alert.operation.name,
                headline=wording.headline[lang].format(**fill)[:160],
                description=p.get("description", ""),
                instruction=instruction,
                web=public_url(),
                parameters=(("refuge:template", p["template"]),),
                areas=(where.in_language(lang),),
            )
        )
    return cap.Message(
        identifier=alert.identifier,
        sender=alert.sender,
        sent=sent,
        status=alert.status,
        msg_type=alert.msg_type,
        references=refs,
        infos=tuple(infos),
    )


@transaction.atomic
def do_draft_alert(
    *,
    actor: Actor,
    operation: Operation,
    template: str,
    area: str,
    place: str = "",
    hours: int | None = None,
    description: str = "",
    status: str = "Actual",
    replaces: Alert | None = None,
    msg_type: str = "Alert",
    shelters: str = "",
) -> Alert:
    if template not in TEMPLATES:
        raise AlertRefused(f"unknown template {template!r}")
    if TEMPLATES[template].needs_place and not place.strip():
        raise AlertRefused("place")
    where = areas.place(area)  # UnknownArea for a key not in the gazetteer
    alert = Alert.objects.create(
        operation=operation,
        identifier=f"refuge-{operation.slug}-{uuid.uuid4().hex[:16]}",
        sender=sender_for(operation),
        status=status,
        msg_type=msg_type,
        template=template,
        region=where.region,
        replaces=replaces,
        params={
            "template": template,
            "area": area,
            "place": place.strip(),
            "hours": hours or TEMPLATES[template].hours,
            "description": description.strip(),
            "shelters": shelters,
        },
        drafted_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    preview = build_message(alert, sent=timezone.now())
    alert.summary = _summary(preview)
    alert.save(update_fields=["summary"])
    do_record(actor=actor, action="alert_draft", object_type="alert", object_id=alert.pk,
              summary=f"{msg_type} {template} {area}")  # fmt: skip
    return alert


def do_draft_followup(*, actor: Actor, alert: Alert, msg_type: str) -> Alert:
    """An Update or Cancel of a released alert, or the all clear of an air-raid alert."""
    if alert.state != Alert.State.RELEASED or alert.ended_at is not None:
        raise AlertRefused("only a warning in force can be updated or cancelled")
    assert alert.operation is not None
    template = alert.template
    if msg_type == "AllClear":
        if not TEMPLATES[alert.template].air_raid:
            raise AlertRefused("only an air-raid alert has an all clear")
        template, msg_type = "all_clear", "Update"
    if msg_type not in ("Update", "Cancel"):
        raise AlertRefused(f"unknown message type {msg_type!r}")
    return do_draft_alert(
        actor=actor,
        operation=alert.operation,
        template=template,
        area=alert.params["area"],
        place=alert.params.get("place", ""),
        hours=None if template == "all_clear" else alert.params.get("hours"),
        description=alert.params.get("description", ""),
        status=alert.status,
        replaces=alert,
        msg_type=msg_type,
        shelters="" if template == "all_clear" else alert.params.get("shelters", ""),
    )


def do_draft_for_order(*, actor: Actor, order: EvacuationOrder) -> Alert:
    """The Evacuate warning for exactly the order's area, naming the nearest open shelters;
    one per order (a second call gives the first draft back)."""
    existing = Alert.objects.filter(
        operation=order.operation, template="evacuate", params__area=f"order:{order.pk}"
    ).first()
    if existing is not None:
        return existing
    nearest = areas.nearest_open_shelters(order)
    return do_draft_alert(
        actor=actor,
        operation=order.operation,
        template="evacuate",
        area=f"order:{order.pk}",
        shelters="; ".join(f"{s.name}, {s.address} ({km:.0f} km)" for s, km in nearest),
        description=order.note,
    )


@transaction.atomic
def do_release_alert(*, actor: Actor, alert: Alert, now: datetime | None = None) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.DRAFT:
        raise AlertRefused("this warning is not a draft any more")
    if alert.drafted_by_id is not None and alert.drafted_by_id == getattr(actor.user, "pk", None):
        raise AlertRefused("nobody releases their own draft: another coordinator must")
    sent = (now or timezone.now()).replace(microsecond=0)
    message = build_message(alert, sent=sent)
    xml = _signed(cap.write(message))
    errors = cap.schema_errors(xml)
    if errors:  # our own writer's fault: refuse rather than publish invalid CAP
        raise AlertRefused("; ".join(errors))
    alert.sent, alert.effective, alert.expires = sent, sent, message.expires
    alert.xml, alert.summary, alert.state = xml, _summary(message), Alert.State.RELEASED
    alert.signed = xml != cap.write(message)
    alert.released_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
    alert.save()
    _apply(alert, message, sent)
    do_record(actor=actor, action="alert_release", object_type="alert", object_id=alert.pk,
              summary=f"{alert.msg_type} {alert.identifier}")  # fmt: skip
    webhooks.alert_released(alert)  # queued in this transaction, sent after it commits
    return alert


def _signed(xml: bytes) -> bytes:
    """Signed with REFUGE_CAP_KEY / REFUGE_CAP_CERT (PEM files) where both are set."""
    key, cert = settings.REFUGE_CAP_KEY, settings.REFUGE_CAP_CERT
    if not (key and cert):
        return xml
    return cap.sign(xml, key_pem=Path(key).read_bytes(), cert_pem=Path(cert).read_bytes())


def _apply(alert: Alert, message: cap.Message, at: datetime) -> None:
    """What a message in force changes: the message it replaces ends; air-raid state."""
    if alert.replaces is not None and alert.replaces.ended_at is None:
        Alert.objects.filter(pk=alert.replaces.pk).update(ended_at=at)
    if alert.msg_type == "Cancel":
        alert.ended_at = at
        alert.save(update_fields=["ended_at"])
    template = TEMPLATES.get(alert.template)
    if template is None or not alert.region:
        return
    if template.air_raid and alert.msg_type != "Cancel":
        RegionAlarm.objects.create(region=alert.region, active=True, at=at, alert=alert)
    elif template.ends == "air_raid" or template.air_raid:
        RegionAlarm.objects.create(region=alert.region, active=False, at=at, alert=alert)


@transaction.atomic
def do_import_cap(
    *, actor: Actor, data: bytes, source: str, operation: Operation | None = None
) -> tuple[Alert, bool]:
    """A partner's CAP message into the store (CapError if refused); (alert, created)."""
    message = cap.read(data)
    existing = Alert.objects.filter(sender=message.sender, identifier=message.identifier).first()
    if existing is not None:
        return existing, False
    replaces = None
    for ref in message.references:
        replaces = Alert.objects.filter(sender=ref.sender, identifier=ref.identifier).first()
        if replaces is not None:
            break
    geocodes = [v for i in message.infos for a in i.areas for k, v in a.geocodes if k == areas.ISO]
    alert = Alert.objects.create(
        operation=operation,
        identifier=message.identifier,
        sender=message.sender,
        sent=message.sent,
        status=message.status,
        msg_type=message.msg_type,
        state=Alert.State.IMPORTED,
        summary=_summary(message),
        xml=data,
        signed=message.signed,
        effective=min((i.effective for i in message.infos if i.effective), default=message.sent),
        expires=message.expires,
        region=geocodes[0][:8] if geocodes else "",
        replaces=replaces,
        source=source[:200],
    )
    if replaces is not None and replaces.ended_at is None:
        Alert.objects.filter(pk=replaces.pk).update(ended_at=message.sent)
    if message.msg_type == "Cancel":
        alert.ended_at = message.sent
        alert.save(update_fields=["ended_at"])
    do_record(actor=actor, action="alert_import", object_type="alert", object_id=alert.pk,
              summary=f"{message.sender} {message.identifier} from {source[:80]}")  # fmt: skip
    return alert, True
