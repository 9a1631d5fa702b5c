"""POST /api/v1/households/: the desk's registration, for a partner's system.

The same action as the desk (`desks.actions.do_register_at_desk`): a registrar registers
at their own reception point, the desk's duplicate check runs first and its possible
duplicates are reported in the answer (within the registrar's scope in full, outside it
as a bare fact), never merged; their pairs go to the tracing officers' queue.

`Idempotency-Key` (a UUID) is required and names one household, as the desk page's
hidden key does (docs/IDEMPOTENCY.md): the same key with the same body (compared as
canonical JSON) answers the first answer again, with `Idempotent-Replayed: true`; with
another body, 422 and nothing saved; a key spent by another account, 409 and nothing
said of what it made.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from refuge.accounts.scope import Actor
from refuge.api import serializers as s
from refuge.api.models import IdempotentRequest
from refuge.desks.actions import KeyUsedElsewhere, do_register_at_desk
from refuge.desks.duplicates import DuplicateReport, possible_duplicates_for
from refuge.registry.actions import MemberData
from refuge.registry.models import Household
from refuge.shelters.actions import ShelterRefused


def fingerprint(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def flat_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as one level, each key naming the field: `members[2].birth_date`."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                name = f"{prefix}[{key}]"  # a member, by its place in the list
            else:
                name = str(key) if not prefix else f"{prefix}.{key}"
            if key == "non_field_errors" and prefix:
                name = prefix
            out.update(flat_errors(value, name))
    elif isinstance(detail, list) and detail and all(isinstance(v, (dict, list)) for v in detail):
        for i, value in enumerate(detail):
            out.update(flat_errors(value, f"{prefix}[{i}]"))
    elif isinstance(detail, list):
        out[prefix or "non_field_errors"] = [str(v) for v in detail]
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _key(request: Request) -> uuid.UUID:
    text = request.headers.get("Idempotency-Key", "").strip()
    if not text:
        raise ValidationError({"Idempotency-Key": [_("Send an Idempotency-Key header (a UUID).")]})
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValidationError(
            {"Idempotency-Key": [_("The Idempotency-Key must be a UUID.")]}
        ) from None


def _spent() -> Response:
    return Response(
        {"Idempotency-Key": [_("Nothing was saved: this key was used before. Send a new key.")]},
        status=status.HTTP_409_CONFLICT,
    )  # fmt: skip


def _replay(earlier: IdempotentRequest, request: Request, sent: str) -> Response:
    if earlier.user_id != request.user.pk:
        return _spent()
    if earlier.fingerprint != sent:
        return Response(
            {"Idempotency-Key": [_("Nothing was saved: this key was used with another body. "
                                   "Send a new key for a new registration.")]},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )  # fmt: skip
    response = Response(earlier.response, status=earlier.status)
    response["Idempotent-Replayed"] = "true"
    return response


def _members(rows: list[dict[str, Any]], consents: bool) -> list[MemberData]:
    people = []
    for row in rows:
        year, month, day = row.get("birth_date") or (None, None, None)
        people.append(
            MemberData(
                given_name=row["given_name"].strip(),
                family_name=row["family_name"].strip(),
                patronymic=row.get("patronymic", "").strip(),
                sex=row.get("sex", ""),
                birth_year=year,
                birth_month=month,
                birth_day=day,
                needs=frozenset(row.get("needs", [])),
                consents_to_be_found=consents,
                document_type=row.get("document_type", ""),
                document_number=row.get("document_number", "").strip(),
            )  # fmt: skip
        )
    return people


def _report(report: DuplicateReport) -> dict[str, Any]:
    return {
        "families": [
            {"household_id": f.household_id, "whereabouts": f.whereabouts, "newcomers": f.newcomers,
             "people": [{"typed": p.typed, "full_name": p.full_name, "birth_date": p.birth_date,
                         "reasons": p.reasons} for p in f.people]}
            for f in report.families
        ],
        "elsewhere": list(report.elsewhere),
    }  # fmt: skip


def register(request: Request, actor: Actor) -> Response:
    key = _key(request)
    sent = fingerprint(request.data)
    earlier = IdempotentRequest.objects.filter(key=key).first()
    if earlier is not None:
        return _replay(earlier, request, sent)
    given = s.RegistrationInSerializer(data=request.data)
    if not given.is_valid():
        raise ValidationError(flat_errors(given.errors))
    d = given.validated_data
    people = _members(d["members"], d["consents_to_be_found"])
    report = possible_duplicates_for(actor, people, d.get("phone", ""))
    try:
        with transaction.atomic():
            household, created = do_register_at_desk(
                actor=actor, origin=d["origin"], mode=d["mode"], destination=d["destination"],
                members=people, idempotency_key=key, phone=d.get("phone", "").strip(),
                destination_region=d.get("destination_region"),
                destination_address=d.get("destination_address", "").strip(),
                shelter=None, shown_duplicates=report.shown,
            )  # fmt: skip
            if not created:  # another request with this key won the race: answer as it did
                raise _Lost
            body = {
                "household": s.HouseholdSerializer(
                    Household.objects.prefetch_related("members").get(pk=household.pk)
                ).data,
                "possible_duplicates": _report(report),
            }
            body = json.loads(json.dumps(body, default=str))
            with transaction.atomic():
                IdempotentRequest.objects.create(
                    key=key, user=request.user, fingerprint=sent, status=201, response=body
                )
    except KeyUsedElsewhere:  # spent at another reception point: say nothing of it
        return _spent()
    except (_Lost, IntegrityError):
        earlier = IdempotentRequest.objects.filter(key=key).first()
        if earlier is None:  # the key was spent by a desk page, not an API call
            return _spent()
        return _replay(earlier, request, sent)
    except ShelterRefused as refused:
        raise ValidationError({"destination": [str(refused)]}) from None
    return Response(body, status=status.HTTP_201_CREATED)


class _Lost(Exception):
    pass
