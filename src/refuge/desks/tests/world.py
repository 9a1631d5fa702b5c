"""A small operation built directly (no scenario): two reception points, two shelters,
one household registered at each point, and one account per role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser

from refuge.accounts.actions import do_create_account
from refuge.accounts.models import Role
from refuge.geo.gazetteer import load_kursk_oblast, load_regions
from refuge.geo.models import Region, Settlement
from refuge.operations.models import Operation
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household, ReceptionPoint
from refuge.shelters.actions import do_assign, do_change_status
from refuge.shelters.models import Shelter, Status

MSK = ZoneInfo("Europe/Moscow")
PASSWORD = "correct horse battery staple"


@dataclass
class World:
    operation: Operation
    point_a: ReceptionPoint
    point_b: ReceptionPoint
    shelter_a: Shelter  # Kursk oblast, managed by `manager`
    shelter_b: Shelter  # Belgorod oblast
    household_a: Household  # registered at point A, places reserved in shelter A
    household_b: Household  # registered at point B, places reserved in shelter B
    users: dict[str, AbstractBaseUser] = field(default_factory=dict)
    alert_draft: int = 0  # a warning drafted by the duty officer, not released
    alert_released: int = 0  # one drafted by the duty officer, released by `national`
    incident: int = 0  # a fire in the operation's incident log, reported by the duty officer
    webhook: int = 0  # a webhook subscription, where a test makes one (test_scope_matrix)
    export_job: int = 0  # a queued export job of the regional coordinator (test_scope_matrix)


def shelter(operation: Operation, region: Region, name: str, capacity: int) -> Shelter:
    s = Shelter.objects.create(
        operation=operation,
        name=name,
        region=region,
        address=f"{name} street 1",
        lat=region.lat or 51.7,
        lon=region.lon or 36.2,
        kind=Shelter.Kind.SCHOOL,
        capacity=capacity,
        wheelchair_access=True,
    )
    do_change_status(
        shelter=s, status=Status.OPEN, at=datetime.now(MSK) - timedelta(days=1), reason="opened"
    )
    return s


def register(operation: Operation, point: ReceptionPoint, family: str, size: int = 2) -> Household:
    origin = Settlement.objects.order_by("pk").first()
    now = datetime.now(MSK) - timedelta(hours=2)
    (h,) = do_register_households(
        operation=operation,
        registrations=[
            Registration(
                reception_point=point,
                origin=origin,
                left_at=now - timedelta(hours=3),
                mode="organised",
                registered_at=now,
                destination="shelter",
                members=[
                    MemberData(given_name=f"Anna{i}", family_name=family, birth_year=1980 + i)
                    for i in range(size)
                ],
                idempotency_key=uuid.uuid4(),
            )
        ],
    )
    return h


def build_world() -> World:
    load_regions()
    load_kursk_oblast()
    krs = Region.objects.get(code="RU-KRS")
    bel = Region.objects.get(code="RU-BEL")
    operation = Operation.objects.create(
        slug="test-op",
        name="Test operation",
        affected_region=krs,
        started_at=datetime.now(MSK) - timedelta(days=2),
    )
    point_a = ReceptionPoint.objects.create(
        operation=operation, name="Point A", region=krs, lat=51.73, lon=36.19
    )
    point_b = ReceptionPoint.objects.create(
        operation=operation, name="Point B", region=bel, lat=50.6, lon=36.6
    )
    shelter_a = shelter(operation, krs, "Shelter A", 40)
    shelter_b = shelter(operation, bel, "Shelter B", 40)
    household_a = register(operation, point_a, "Ivanova")
    household_b = register(operation, point_b, "Petrova")
    now = datetime.now(MSK) - timedelta(hours=1)
    do_assign(household=household_a, shelter=shelter_a, at=now)
    do_assign(household=household_b, shelter=shelter_b, at=now)
    world = World(operation, point_a, point_b, shelter_a, shelter_b, household_a, household_b)
    accounts = {
        "national": (Role.NATIONAL_COORDINATOR, {}),
        "regional": (Role.REGIONAL_COORDINATOR, {"region": krs}),
        "registrar_a": (Role.REGISTRAR, {"reception_point": point_a}),
        "registrar_b": (Role.REGISTRAR, {"reception_point": point_b}),
        "manager": (Role.SHELTER_MANAGER, {"shelters": [shelter_a]}),
        "tracing": (Role.TRACING_OFFICER, {}),
        "auditor": (Role.AUDITOR, {}),
        "duty": (Role.DUTY_OFFICER, {}),
    }
    for username, (role, scope) in accounts.items():
        world.users[username] = do_create_account(
            username=username, password=PASSWORD, operation=operation, role=role, **scope
        )
    _warnings(world)
    return world


def _warnings(world: World) -> None:
    from refuge.accounts.scope import Actor
    from refuge.alerts.actions import do_draft_alert, do_release_alert

    duty = Actor(user=world.users["duty"], membership=None)
    national = Actor(user=world.users["national"], membership=None)
    kw = {"actor": duty, "operation": world.operation, "area": "region:RU-KRS"}
    world.alert_draft = do_draft_alert(template="shelter_in_place", **kw).pk
    released = do_draft_alert(template="air_raid", **kw)
    world.alert_released = do_release_alert(actor=national, alert=released).pk

    from refuge.incidents.actions import do_report_incident

    world.incident = do_report_incident(
        actor=duty, operation=world.operation, kind="fire", name="Пожар на складе",
        place="Курск, ул. Литовская", reported_at=datetime.now(MSK) - timedelta(hours=2),
    ).pk  # fmt: skip


def queued_export(world: World) -> int:
    """The regional coordinator's households export, queued (a job nobody ran yet)."""
    from refuge.jobs.models import Job

    regional = world.users["regional"].memberships.get()
    return Job.objects.create(
        kind="desks.export", created_by=world.users["regional"],
        payload={"export": "households", "fmt": "csv", "filters": {}, "user": regional.user_id,
                 "membership": regional.pk, "operation": world.operation.pk, "lang": "en"},
    ).pk  # fmt: skip
