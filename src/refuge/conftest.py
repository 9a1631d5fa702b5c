"""Fixtures shared by the apps' tests: the gazetteer, the Kursk-2024 operation, people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

MSK = ZoneInfo("Europe/Moscow")


def msk(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2024, 8, day, hour, minute, tzinfo=MSK)


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """Each test builds its own gazetteer: no list cached by an earlier one may leak in."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Each test starts in the default language: a request in ru or uk leaves its language
    active in the thread, and a later test reading translated names would see it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def operation(db):  # type: ignore[no-untyped-def]
    """The Kursk-2024 operation with its orders, and no people yet."""
    from refuge.geo.gazetteer import load_kursk_oblast, load_regions
    from refuge.scenario.kursk2024 import _operation

    load_regions()
    load_kursk_oblast()
    return _operation()


@pytest.fixture
def reception_point(operation):  # type: ignore[no-untyped-def]
    from refuge.registry.models import ReceptionPoint

    return ReceptionPoint.objects.create(
        operation=operation,
        name="Курск, вокзал",
        region=operation.affected_region,
        lat=51.74,
        lon=36.19,
    )


@pytest.fixture
def shelter(operation):  # type: ignore[no-untyped-def]
    """An open school shelter in Kursk with 10 places and wheelchair access."""
    from refuge.shelters.actions import do_change_status
    from refuge.shelters.models import Shelter, Status

    s = Shelter.objects.create(
        operation=operation,
        name="ПВР, школа №5, Курск",
        region=operation.affected_region,
        address="Курск, ул. Ленина, 1",
        lat=51.73,
        lon=36.19,
        kind="school",
        capacity=10,
        wheelchair_access=True,
    )
    do_change_status(shelter=s, status=Status.STANDBY, at=msk(6, 8), reason="network")
    do_change_status(shelter=s, status=Status.OPEN, at=msk(6, 10), reason="opened")
    return s


@pytest.fixture
def register(operation, reception_point):  # type: ignore[no-untyped-def]
    """register(n, day=…, destination=…) -> Household: n people leave Sudzha and register."""
    from refuge.geo.models import Settlement
    from refuge.registry.actions import MemberData, Registration, do_register_households

    sudzha = Settlement.objects.get(name_ru="Суджа")

    def _register(
        n: int = 1,
        *,
        day: int = 10,
        hour: int = 12,
        destination: str = "relatives",
        mode: str = "own",
        key=None,
    ):  # type: ignore[no-untyped-def]
        members = [
            MemberData(given_name=f"Имя{i}", family_name="Петренко", birth_year=1950 + i)
            for i in range(n)
        ]
        [household] = do_register_households(
            operation=operation,
            registrations=[
                Registration(
                    reception_point=reception_point,
                    origin=sudzha,
                    left_at=msk(day, hour),
                    mode=mode,
                    registered_at=msk(day, hour + 2),
                    destination=destination,
                    members=members,
                    idempotency_key=key,
                )
            ],
        )
        return household

    return _register
