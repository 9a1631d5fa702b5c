"""Households and shelters for the placement tests, made through the real actions."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from refuge.geo.models import Region, Settlement
from refuge.movements.selectors import shelter_counts_from_ledger
from refuge.operations.models import Operation
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household, ReceptionPoint
from refuge.shelters.actions import do_change_status
from refuge.shelters.models import Shelter, Status

MSK = ZoneInfo("Europe/Moscow")
_order = iter(range(10**6))


def waiting(
    point: ReceptionPoint,
    family: str,
    size: int = 1,
    needs: frozenset[str] = frozenset(),
    destination_region: Region | None = None,
) -> Household:
    """A household registered at `point`, bound for a shelter, holding no places yet."""
    origin = Settlement.objects.get(name_ru="Суджа")
    # Registered one minute apart, in call order: first come is the first registered.
    at = datetime.now(MSK) - timedelta(hours=3) + timedelta(minutes=next(_order))
    (h,) = do_register_households(
        operation=point.operation,
        registrations=[
            Registration(
                reception_point=point,
                origin=origin,
                left_at=at - timedelta(hours=3),
                mode="organised",
                registered_at=at,
                destination="shelter",
                destination_region=destination_region,
                members=[
                    MemberData(
                        given_name=f"Olga{i}", family_name=family, birth_year=1970 + i, needs=needs
                    )
                    for i in range(size)
                ],
                idempotency_key=uuid.uuid4(),
            )
        ],
    )
    return h


def shelter(
    operation: Operation,
    region: Region,
    name: str,
    capacity: int,
    *,
    lat: float,
    lon: float,
    status: str = Status.OPEN,
    medical: bool = False,
) -> Shelter:
    s = Shelter.objects.create(
        operation=operation,
        name=name,
        region=region,
        address=f"{name} street 1",
        lat=lat,
        lon=lon,
        kind=Shelter.Kind.SCHOOL,
        capacity=capacity,
        medical_post=medical,
    )
    do_change_status(
        shelter=s, status=status, at=datetime.now(MSK) - timedelta(days=1), reason="network"
    )
    return s


def ledger_agrees(*shelters: Shelter) -> bool:
    counted = shelter_counts_from_ledger([s.pk for s in shelters])
    for s in shelters:
        s.refresh_from_db()
        if counted.get(s.pk, (0, 0)) != (s.occupancy, s.reserved):
            return False
    return True
