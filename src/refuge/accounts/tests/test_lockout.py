"""Password guessing is limited per account and address, per account, and per address."""

from __future__ import annotations

from ipaddress import ip_network

from django.test import Client, override_settings

from refuge.desks.tests.world import PASSWORD, World

LOCKED = "Too many failed attempts"
PROXY = [ip_network("127.0.0.1/32")]


def _login(username: str, password: str, **meta: str) -> str:
    response = Client().post(
        "/accounts/login/", {"username": username, "password": password}, **meta
    )
    return "signed in" if response.status_code == 302 else (
        "locked" if LOCKED in response.content.decode() else "refused"
    )  # fmt: skip


def test_guesses_spread_over_many_addresses_lock_the_account(world: World) -> None:
    answers = [_login("manager", "wrong!", REMOTE_ADDR=f"198.51.100.{i}") for i in range(1, 22)]
    assert answers == ["refused"] * 20 + ["locked"]
    assert _login("manager", PASSWORD, REMOTE_ADDR="198.51.100.99") == "locked"
    assert _login("national", PASSWORD, REMOTE_ADDR="198.51.100.99") == "signed in"


def test_one_address_trying_many_accounts_is_stopped(world: World) -> None:
    answers = [_login(f"user{i}", "123456", REMOTE_ADDR="203.0.113.66") for i in range(51)]
    assert answers == ["refused"] * 50 + ["locked"]
    assert _login("manager", PASSWORD, REMOTE_ADDR="203.0.113.66") == "locked"
    assert _login("manager", PASSWORD, REMOTE_ADDR="203.0.113.67") == "signed in"


def test_the_username_is_counted_whatever_its_case_and_spaces(world: World) -> None:
    for typed in ("manager", "Manager", " MANAGER", "manager ", "MaNaGeR"):
        assert _login(typed, "wrong!") == "refused"
    assert _login("manager", PASSWORD) == "locked"


@override_settings(TRUSTED_PROXIES=PROXY)
def test_behind_our_proxy_one_persons_guessing_does_not_lock_out_another(world: World) -> None:
    """Everyone reaches Refuge from the proxy's address; X-Forwarded-For tells them apart."""
    behind = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        assert (
            _login("manager", "wrong!", HTTP_X_FORWARDED_FOR="203.0.113.7", **behind) == "refused"
        )
    assert _login("manager", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **behind) == "locked"
    assert _login("manager", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4", **behind) == "signed in"


def test_a_forged_header_from_outside_is_not_believed(world: World) -> None:
    for i in range(5):
        forged = {"HTTP_X_FORWARDED_FOR": f"10.9.9.{i}"}
        assert _login("manager", "wrong!", REMOTE_ADDR="203.0.113.7", **forged) == "refused"
    forged = {"HTTP_X_FORWARDED_FOR": "10.9.9.99"}
    assert _login("manager", PASSWORD, REMOTE_ADDR="203.0.113.7", **forged) == "locked"


def test_a_shift_signing_in_from_one_address_is_not_locked_out(world: World) -> None:
    """Successful sign-ins give their attempt back: only guessing fills the count."""
    for _ in range(55):  # past the fifty of one address and the twenty of one account
        assert _login("manager", PASSWORD, REMOTE_ADDR="203.0.113.50") == "signed in"
