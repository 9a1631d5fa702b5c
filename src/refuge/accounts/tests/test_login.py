from __future__ import annotations

import pytest
from django.test import Client

from refuge.accounts.models import Profile
from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import PASSWORD, World


def _login(client: Client, password: str) -> int:
    return client.post(
        "/accounts/login/", {"username": "manager", "password": password}
    ).status_code


def test_five_failures_lock_the_username_from_that_address(world: World) -> None:
    client = Client()
    for _ in range(5):
        assert _login(client, "wrong password!") == 200
    response = client.post("/accounts/login/", {"username": "manager", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed").count() == 6
    # Another address is not locked out by someone else's guessing.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other.post("/accounts/login/", {"username": "manager", "password": PASSWORD}).status_code
        == 302
    )


def test_four_failures_then_the_right_password_signs_in_and_is_audited(world: World) -> None:
    client = Client()
    for _ in range(4):
        _login(client, "wrong password!")
    assert _login(client, PASSWORD) == 302
    login = AuditEvent.objects.get(action="login")
    assert login.user == world.users["manager"] and login.role == "shelter_manager"


def test_the_language_chosen_is_remembered_and_applied_at_the_next_login(world: World) -> None:
    client = Client()
    assert _login(client, PASSWORD) == 302
    client.post("/accounts/language/", {"language": "uk", "next": "/desk/"})
    assert Profile.objects.get(user=world.users["manager"]).language == "uk"
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": "manager", "password": PASSWORD})
    assert response.cookies["django_language"].value == "uk"
    assert 'lang="uk"' in fresh.get("/desk/").content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/desk/register/"])
def test_forms_carry_a_csrf_token(world: World, path: str) -> None:
    client = Client(enforce_csrf_checks=True)
    if path != "/accounts/login/":
        client.force_login(world.users["registrar_a"])
    assert 'name="csrfmiddlewaretoken"' in client.get(path).content.decode()
    assert client.post(path, {}).status_code == 403
