from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from refuge.accounts.scope import Actor
from refuge.api.actions import digest_of, do_create_token, do_revoke_token
from refuge.api.models import ApiToken
from refuge.api.tests.helpers import bearer, token_for
from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World


def test_a_token_is_stored_only_as_its_digest(world: World) -> None:
    secret = token_for(world.users["national"])
    stored = ApiToken.objects.get(user=world.users["national"])
    assert stored.digest == digest_of(secret) and secret not in stored.digest
    assert bearer(secret).get("/api/v1/shelters/").status_code == 200


def test_revoked_expired_and_unknown_tokens_get_401(world: World) -> None:
    user = world.users["national"]
    revoked, expired = token_for(user), token_for(user)
    do_revoke_token(actor=Actor(user=user, membership=None),
                    token=ApiToken.objects.get(digest=digest_of(revoked)))  # fmt: skip
    ApiToken.objects.filter(digest=digest_of(expired)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for secret in (revoked, expired, "rfg_" + "x" * 43):
        response = bearer(secret).get("/api/v1/shelters/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"


def test_only_the_owner_or_a_national_coordinator_revokes(world: World) -> None:
    secret = token_for(world.users["registrar_a"])
    token = ApiToken.objects.get(digest=digest_of(secret))
    from refuge.accounts.models import Membership

    def actor(name: str) -> Actor:
        user = world.users[name]
        return Actor(user=user, membership=Membership.objects.get(user=user))

    with pytest.raises(PermissionDenied):
        do_revoke_token(actor=actor("registrar_b"), token=token)
    with pytest.raises(PermissionDenied):
        do_create_token(actor=actor("regional"), owner=world.users["registrar_a"])
    do_revoke_token(actor=actor("national"), token=token)
    assert bearer(secret).get("/api/v1/households/").status_code == 401
    assert AuditEvent.objects.filter(object_type="api_token", summary="revoked").count() == 1


def test_a_token_acts_with_its_accounts_role_and_no_more(world: World) -> None:
    client = bearer(token_for(world.users["registrar_a"]))
    assert client.get("/api/v1/shelters/").status_code == 403
    mine = client.get(f"/api/v1/households/{world.household_a.pk}/")
    assert mine.status_code == 200 and mine.json()["members"][0]["family_name"] == "Ivanova"
    other = client.get(f"/api/v1/households/{world.household_b.pk}/")
    assert other.status_code == 404 and b"Petrova" not in other.content
    listed = client.get("/api/v1/households/").json()["results"]
    assert [h["id"] for h in listed] == [world.household_a.pk]


def test_every_personal_data_read_is_audited(world: World) -> None:
    client = bearer(token_for(world.users["registrar_a"]))
    client.get(f"/api/v1/households/{world.household_a.pk}/")
    client.get(f"/api/v1/households/{world.household_b.pk}/")
    client.get("/api/v1/households/")
    user = world.users["registrar_a"]
    got = list(AuditEvent.objects.filter(user=user, object_type="household")
               .order_by("pk").values_list("action", "object_id"))  # fmt: skip
    A = AuditEvent.Action
    assert got == [
        (A.VIEW_HOUSEHOLD, str(world.household_a.pk)),
        (A.DENIED, str(world.household_b.pk)),
        (A.VIEW_HOUSEHOLD, ""),
    ]


@override_settings(REFUGE_API_RATE_PER_MINUTE=3)
def test_each_token_has_its_own_rate_limit_with_retry_after(world: World) -> None:
    first = bearer(token_for(world.users["national"]))
    codes = [first.get("/api/v1/regions/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(first.get("/api/v1/regions/")["Retry-After"]) > 0
    second = bearer(token_for(world.users["national"]))
    assert second.get("/api/v1/regions/").status_code == 200


def test_token_command_creates_lists_and_revokes(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("token", "create", "manager", "--expires-days", "7", "--label", "Сводка")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("rfg_")
    assert bearer(secret).get(f"/api/v1/shelters/{world.shelter_a.pk}/").status_code == 200
    token = ApiToken.objects.get(digest=digest_of(secret))
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    call_command("token", "list", "manager")
    assert f"{token.pk}\t{secret[:12]}" in capsys.readouterr().out
    call_command("token", "revoke", str(token.pk))
    assert bearer(secret).get(f"/api/v1/shelters/{world.shelter_a.pk}/").status_code == 401


def test_a_refused_query_is_answered_in_json_naming_the_parameter(world: World) -> None:
    client = bearer(token_for(world.users["national"]))
    nul = client.get("/api/v1/shelters/", {"region": "RU\x00KRS"})
    assert nul.status_code == 400 and nul["Content-Type"] == "application/json"
    assert "region" in nul.json()["detail"]
    late = client.get("/api/v1/ledger/", {"since": "14.03.1948"})
    assert late.status_code == 400 and list(late.json()) == ["since"]
