"""A region's shelter list: matched by name within the coordinator's region, a dry run
first, capacity and status through the shelter pages' action (history and audit)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from refuge.accounts.models import Membership, Role
from refuge.audit.models import AuditEvent
from refuge.conftest import msk
from refuge.geo.models import Region
from refuge.shelters.actions import do_assign
from refuge.shelters.models import Shelter, ShelterChange, Status

HEADER = ["Наименование ПВР", "Адрес", "Нас. пункт", "Вместимость", "Статус", "Условия"]


def shelter_list(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.fixture
def coordinator(operation):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user("coordinator-1000007")
    Membership.objects.create(
        user=user, operation=operation, role=Role.REGIONAL_COORDINATOR,
        region=operation.affected_region,
    )  # fmt: skip
    return user


def shelters_import(*args: str) -> str:
    out = StringIO()
    call_command("import", "shelters", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_shelter_list_dry_run_then_applied_through_the_shelter_action(
    operation, shelter, coordinator, register, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    belgorod = Region.objects.get(code="RU-BEL")
    elsewhere = Shelter.objects.create(
        operation=operation, name="ПВР, школа №5, Курск", region=belgorod, address="Белгород",
        lat=50.6, lon=36.6, kind="school", capacity=30, status=Status.OPEN,
    )  # fmt: skip
    held = Shelter.objects.create(
        operation=operation, name="ДК «Юность», Льгов", region=operation.affected_region,
        address="Льгов, ул. Красная, 1", lat=51.66, lon=35.27, kind="cultural_centre",
        capacity=20, status=Status.OPEN,
    )  # fmt: skip
    do_assign(household=register(3), shelter=held, at=msk(10, 15))
    path = shelter_list(tmp_path / "ПВР Курская.xlsx", [
        ["ПВР школа № 5 Курск", "Курск, ул. Ленина, 1", "", 60, "открыт", "пандус, медпункт"],
        ["Санаторий «Сосновый бор»", "Рыльск, ул. Лесная, 2", "Рыльск", 120, "резерв", ""],
        ["ДК «Юность», Льгов", "Льгов, ул. Красная, 1", "Льгов", 20, "закрыт", ""],
        ["Общежитие колледжа", "Льгов", "Льгов", "сто", "открыт", ""],
    ])  # fmt: skip
    dry = shelters_import(str(path), "--user", coordinator.username)
    assert "row 5, Вместимость: write the capacity as a whole number of places" in dry
    assert "row 3: create Санаторий «Сосновый бор»" in dry
    assert "1 new, 2 changed, 0 unchanged, 1 rejected" in dry
    assert Shelter.objects.count() == 3 and not ShelterChange.objects.filter(capacity=60).exists()

    applied = shelters_import(str(path), "--user", coordinator.username, "--apply")
    # 3 places are reserved at the Дом культуры: the shelter action refuses to close it.
    assert "row 4: refused: ДК «Юность», Льгов: 0 people inside and 3 places reserved" in applied
    assert "2 shelters written" in applied
    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.status, shelter.medical_post) == (60, "open", True)
    assert shelter.wheelchair_access and shelter.address == "Курск, ул. Ленина, 1"
    change = ShelterChange.objects.filter(shelter=shelter).latest("pk")
    assert (change.capacity, change.reason) == (60, "shelter list ПВР Курская.xlsx")
    new = Shelter.objects.get(name="Санаторий «Сосновый бор»")
    assert (new.kind, new.status, new.capacity, new.region) == (
        "sanatorium", "standby", 120, operation.affected_region
    )  # fmt: skip
    assert new.district is not None and new.district.name_ru.startswith("Рыльск")
    assert ShelterChange.objects.filter(shelter=new, status="standby").exists()
    held.refresh_from_db()
    assert held.status == "open"  # refused, nothing half-written
    elsewhere.refresh_from_db()
    assert elsewhere.capacity == 30  # another region's shelter of the same name
    assert (
        AuditEvent.objects.filter(object_type="shelter", username=coordinator.username).count() == 4
    )
    # The same list again: nothing new, nothing changed but the refused row.
    again = shelters_import(str(path), "--user", coordinator.username)
    assert "0 new, 1 changed, 2 unchanged, 1 rejected" in again


def test_only_a_regional_coordinator_imports_shelters(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user("registrar-1000004")
    Membership.objects.create(
        user=user, operation=operation, role=Role.REGISTRAR, reception_point=reception_point
    )
    path = shelter_list(tmp_path / "l.xlsx", [["Школа №1, Льгов", "", "Льгов", 50, "", ""]])
    with pytest.raises(CommandError, match="regional coordinator"):
        shelters_import(str(path), "--user", user.username)
    assert not Shelter.objects.exists()
