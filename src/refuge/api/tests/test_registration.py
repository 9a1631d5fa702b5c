"""POST /api/v1/households/ with an Idempotency-Key: the desk's registration for partners."""

from __future__ import annotations

import uuid
from typing import Any

from django.test import Client

from refuge.api.tests.helpers import bearer, token_for
from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.geo.models import Settlement
from refuge.movements.models import Movement
from refuge.registry.models import Household
from refuge.tracing.models import DuplicateCandidate


def family(**overrides: Any) -> dict[str, Any]:
    origin = Settlement.objects.order_by("pk").first()
    assert origin is not None
    body = {
        "origin": origin.pk,
        "mode": "own",
        "destination": "relatives",
        "destination_region": "RU-BEL",
        "destination_address": "Белгород, ул. Щорса, д. 45, кв. 12",
        "phone": "+7 910 214-33-07",
        "members": [
            {"family_name": "Шевченко", "given_name": "Тарас", "patronymic": "Григорьевич",
             "sex": "M", "birth_date": "14.03.1948", "needs": ["wheelchair"]},
            {"family_name": "Шевченко", "given_name": "Олена", "patronymic": "Петрівна",
             "sex": "F", "birth_date": "03.1951"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def post(client: Client, body: dict[str, Any], key: object | None) -> Any:
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": str(key)}
    return client.post("/api/v1/households/", body, content_type="application/json", **headers)


def test_a_registrar_registers_at_their_point_and_a_replay_gets_the_first_answer(
    world: World,
) -> None:
    client = bearer(token_for(world.users["registrar_a"]))
    key = uuid.uuid4()
    first = post(client, family(), key)
    assert first.status_code == 201, first.content
    household = Household.objects.get(idempotency_key=key)
    assert household.reception_point_id == world.point_a.pk
    assert first.json()["household"]["id"] == household.pk
    names = [(m["family_name"], m["given_name"], m["birth_year"], m["birth_month"], m["birth_day"],
              m["needs_wheelchair"]) for m in first.json()["household"]["members"]]  # fmt: skip
    assert names == [
        ("Шевченко", "Тарас", 1948, 3, 14, True),
        ("Шевченко", "Олена", 1951, 3, None, False),
    ]
    registered = Movement.objects.filter(household=household, kind=Movement.Kind.REGISTERED)
    assert registered.count() == 2

    again = post(client, family(), key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Household.objects.filter(idempotency_key=key).count() == 1
    assert registered.count() == 2
    created = AuditEvent.objects.filter(object_type="household", action="create")
    assert list(created.values_list("object_id", flat=True)) == [str(household.pk)]


def test_the_same_key_with_another_body_saves_nothing_and_says_so(world: World) -> None:
    client = bearer(token_for(world.users["registrar_a"]))
    key = uuid.uuid4()
    assert post(client, family(), key).status_code == 201
    edited = family(phone="+7 910 000-00-00")
    response = post(client, edited, key)
    assert response.status_code == 422
    assert "used with another body" in response.json()["Idempotency-Key"][0]
    assert Household.objects.filter(phone__contains="000-00-00").count() == 0


def test_a_key_spent_by_another_account_saves_nothing_and_shows_nothing(world: World) -> None:
    key = uuid.uuid4()
    assert post(bearer(token_for(world.users["registrar_b"])), family(), key).status_code == 201
    response = post(bearer(token_for(world.users["registrar_a"])), family(), key)
    assert response.status_code == 409
    assert "Шевченко" not in response.content.decode() and "household" not in response.json()
    assert (
        Household.objects.filter(reception_point=world.point_a, phone__contains="214").count() == 0
    )


def test_the_key_is_required_and_must_be_a_uuid(world: World) -> None:
    client = bearer(token_for(world.users["registrar_a"]))
    missing = post(client, family(), None)
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()
    assert post(client, family(), "1000123").status_code == 400
    assert not Household.objects.filter(phone__contains="214").exists()


def test_only_a_registrar_registers(world: World) -> None:
    for who in ("national", "regional", "manager", "tracing", "auditor", "duty"):
        response = post(bearer(token_for(world.users[who])), family(), uuid.uuid4())
        assert response.status_code == 403, who
    assert post(Client(), family(), uuid.uuid4()).status_code == 401
    assert not Household.objects.filter(phone__contains="214").exists()


def test_validation_errors_name_the_member_and_the_field(world: World) -> None:
    client = bearer(token_for(world.users["registrar_a"]))
    body = family()
    body["members"][1]["birth_date"] = "31.02.1951"
    del body["members"][0]["given_name"]
    body["members"].append({"family_name": "Шевченко", "given_name": "Ганна", "sex": "x"})
    response = post(client, body, uuid.uuid4())
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"members[0].given_name", "members[1].birth_date", "members[2].sex"}
    assert errors["members[1].birth_date"] == ["there is no such date as 31.02.1951."]
    # The household's own checks, once every member reads, in the caller's language.
    ru = client.post(
        "/api/v1/households/", family(destination_address=" "), content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), HTTP_ACCEPT_LANGUAGE="ru",
    )  # fmt: skip
    assert ru.status_code == 400
    assert ru.json() == {"destination_address": ["Укажите адрес, куда они направляются."]}
    assert not Household.objects.filter(phone__contains="214").exists()


def test_possible_duplicates_are_reported_not_merged_and_queued_for_tracing(world: World) -> None:
    a = bearer(token_for(world.users["registrar_a"]))
    first = post(a, family(), uuid.uuid4()).json()["household"]["id"]
    # The same grandfather, his patronymic abbreviated, registered again by a partner.
    again = family(members=[{"family_name": "Шевченко", "given_name": "Тарас",
                             "patronymic": "Григорович", "sex": "M", "birth_date": "14.03.1948"}])  # fmt: skip
    second = post(a, again, uuid.uuid4())
    assert second.status_code == 201
    report = second.json()["possible_duplicates"]
    assert [f["household_id"] for f in report["families"]] == [first]
    assert report["families"][0]["people"][0]["full_name"].startswith("Шевченко Тарас")
    assert Household.objects.filter(phone__contains="214").count() == 2  # not merged
    new_id = second.json()["household"]["id"]
    assert DuplicateCandidate.objects.filter(source=DuplicateCandidate.Source.REGISTRATION).exists()
    assert new_id != first
    # Another point's registrar is told only that someone like him is registered elsewhere.
    b = post(bearer(token_for(world.users["registrar_b"])), again, uuid.uuid4())
    assert b.status_code == 201
    assert b.json()["possible_duplicates"]["families"] == []
    assert b.json()["possible_duplicates"]["elsewhere"] == ["Шевченко Тарас"]
    assert str(first) not in str(b.json()["possible_duplicates"])


def test_kept_answers_are_purged_after_their_retention_and_a_late_retry_saves_nothing(
    world: World,
) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from refuge.api.models import IdempotentRequest

    client = bearer(token_for(world.users["registrar_a"]))
    old, recent = uuid.uuid4(), uuid.uuid4()
    assert post(client, family(), old).status_code == 201
    assert post(client, family(phone="+7 910 555-01-02"), recent).status_code == 201
    IdempotentRequest.objects.filter(key=old).update(
        created_at=timezone.now() - timedelta(hours=73)
    )

    call_command("idempotency", "purge")  # the default retention, 72 hours

    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == [recent]
    late = post(client, family(), old)
    assert late.status_code == 409 and "household" not in late.json()
    assert Household.objects.filter(idempotency_key=old).count() == 1
    assert post(client, family(phone="+7 910 555-01-02"), recent)["Idempotent-Replayed"] == "true"


def test_a_partner_finds_the_origins_id_by_name_as_docs_api_shows(world: World) -> None:
    client = bearer(token_for(world.users["registrar_a"]))
    for typed in ("Суджа", "Sudzha", "Судж"):
        found = client.get("/api/v1/settlements/", {"name": typed}).json()["results"]
        assert "Суджа" in [s["name_ru"] for s in found], typed
    sudzha = Settlement.objects.get(name_ru="Суджа")
    assert post(client, family(origin=sudzha.pk), uuid.uuid4()).status_code == 201
    assert client.get("/api/v1/settlements/", {"name": "Атлантида"}).json()["results"] == []
