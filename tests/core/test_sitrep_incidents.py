"""core/sitrep.incident_section: what each service had deployed at a moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from refuge.core.sitrep import DeploymentRow, IncidentRow, WarningInForce, incident_section

KYIV = ZoneInfo("Europe/Kyiv")
T0 = datetime(2024, 8, 20, 3, 0, tzinfo=KYIV)


def fire(closed: datetime | None = None, pk: int = 1_000_001) -> IncidentRow:
    return IncidentRow(pk, "fire", "Пожежа на нафтобазі", "Тернопіль", T0, None, closed)


def rows(pk: int = 1_000_001) -> list[DeploymentRow]:
    h = timedelta(hours=1)
    return [
        DeploymentRow(pk, "ДСНС", T0 + h, 46, 12),
        DeploymentRow(pk, "ДСНС", T0 + 3 * h, 82, 20),
        DeploymentRow(pk, "Укрзалізниця", T0 + 4 * h, 12, 2, (("fire_train", 2),)),
    ]


def test_each_service_counts_its_latest_row_before_the_moment() -> None:
    at = T0 + timedelta(hours=3, minutes=30)
    s = incident_section(at, [fire()], rows())
    assert (s.personnel, s.units, s.special) == (82, 20, ())
    s = incident_section(T0 + timedelta(hours=5), [fire()], rows())
    assert (s.personnel, s.units, s.special) == (94, 22, (("fire_train", 2),))


def test_a_closed_incident_has_nothing_deployed_and_leaves_the_open_list() -> None:
    closed = T0 + timedelta(hours=16)
    s = incident_section(closed + timedelta(hours=1), [fire(closed)], rows())
    assert s.open == () and s.personnel == 0
    assert [x.personnel for x in s.closed_last_24h] == [0]
    s = incident_section(closed + timedelta(hours=25), [fire(closed)], rows())
    assert s.closed_last_24h == () and s.empty


def test_incidents_reported_later_are_not_shown_and_two_add_up() -> None:
    other = fire(pk=1_000_002)
    later = IncidentRow(
        1_000_003, "flood", "Підтоплення", "Київ", T0 + timedelta(days=2), None, None
    )
    at = T0 + timedelta(hours=5)
    s = incident_section(at, [fire(), other, later], rows() + rows(1_000_002),
                         [WarningInForce("Залишайтеся вдома", "Тернопіль", T0)])  # fmt: skip
    assert len(s.open) == 2 and s.personnel == 188 and s.units == 44
    assert s.special == (("fire_train", 4),) and s.reported_last_24h == 2
    assert len(s.warnings) == 1
