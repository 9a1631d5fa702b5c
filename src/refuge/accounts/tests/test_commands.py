from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from refuge.accounts.models import Membership, Role
from refuge.desks.tests.world import World


def test_createuser_gives_a_registrar_their_point(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "pw"
    secret.write_text("a long enough secret\n")
    call_command(
        "createuser",
        "reg2",
        "--role",
        "registrar",
        "--reception-point",
        str(world.point_b.pk),
        "--password-file",
        str(secret),
        stdout=io.StringIO(),
    )
    m = Membership.objects.get(user__username="reg2")
    assert (m.role, m.reception_point) == (Role.REGISTRAR, world.point_b)
    assert authenticate(username="reg2", password="a long enough secret") is not None
    assert m.user.password.startswith("argon2")


def test_createuser_refuses_a_registrar_without_a_point(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REFUGE_PASSWORD", "a long enough secret")
    with pytest.raises(CommandError, match="reception-point"):
        call_command("createuser", "reg3", "--role", "registrar", stdout=io.StringIO())


def test_demo_accounts_prints_one_login_per_role_and_resets_on_rerun(world: World) -> None:
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(Role.values)
    first = {line.split()[-2]: line.split()[-1] for line in lines}
    for username, password in first.items():
        assert authenticate(username=username, password=password) is not None
    again = io.StringIO()
    call_command("demo_accounts", stdout=again)
    second = {line.split()[-2]: line.split()[-1] for line in again.getvalue().splitlines()}
    assert first.keys() == second.keys()
    for username, password in second.items():
        assert authenticate(username=username, password=password) is not None
        assert authenticate(username=username, password=first[username]) is None


def test_demo_accounts_skip_the_desks_an_operation_without_points_or_shelters_lacks(
    db,  # type: ignore[no-untyped-def]
) -> None:
    """Ternopil-2024 is a night of incidents and warnings: no reception point, no shelter.
    The coordinators and the duty officer still get their logins."""
    call_command("scenario", "load", "ternopil-2024", stdout=io.StringIO())
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_accounts", stdout=out, stderr=err)
    users = {line.split()[-2] for line in out.getvalue().splitlines()}
    assert {"demo-national-coordinator", "demo-duty-officer"} <= users
    assert "demo-registrar" not in users and "registrar" in err.getvalue()
