"""An evacuation order offers its Evacuate warning: exactly the order's area, with the
nearest open shelters in the instruction."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from refuge.alerts.models import Alert
from refuge.alerts.tests.conftest import client_for
from refuge.core import cap
from refuge.core.hull import ring
from refuge.desks.tests.world import World
from refuge.geo.models import District
from refuge.operations.models import EvacuationOrder
from refuge.operations.selectors import covered_settlements


def test_an_order_offers_the_evacuate_draft_for_its_area(world: World) -> None:
    district = (
        District.objects.filter(region__code="RU-KRS", settlements__isnull=False)
        .order_by("pk").first()
    )  # fmt: skip
    assert district is not None
    order = EvacuationOrder.objects.create(
        operation=world.operation, effective_at=timezone.now() - timedelta(hours=1),
        kind="mandatory", scope="district", note="Обстрелы приграничья.",
    )  # fmt: skip
    order.districts.add(district)
    duty = client_for(world, "duty")
    page = duty.get("/alerts/desk/").content.decode()
    assert f"/alerts/desk/orders/{order.pk}/draft/" in page
    response = duty.post(f"/alerts/desk/orders/{order.pk}/draft/")
    assert response.status_code == 302
    draft = Alert.objects.get(params__area=f"order:{order.pk}")
    assert duty.post(f"/alerts/desk/orders/{order.pk}/draft/")["Location"] == response["Location"]
    assert (
        f"/alerts/desk/orders/{order.pk}/draft/" not in duty.get("/alerts/desk/").content.decode()
    )
    client_for(world, "national").post(f"/alerts/desk/{draft.pk}/release/")
    draft.refresh_from_db()
    xml = bytes(draft.xml)
    assert cap.schema_errors(xml) == []
    ru = cap.read(xml).info("ru")
    assert ru.response_types == ("Evacuate",)
    assert "Ближайшие открытые пункты временного размещения: Shelter A, Shelter A street 1" in (
        ru.instruction
    )
    # Shelter A (Kursk) is nearer the Kursk district than Shelter B (Belgorod): named first.
    assert ru.instruction.index("Shelter A") < ru.instruction.index("Shelter B")
    (area,) = ru.areas
    points = [(s.lat, s.lon) for s in covered_settlements(order)]
    hull = ring(points)
    if hull:
        assert area.polygons == (tuple(hull),)
    else:
        assert area.circles[0].lat == points[0][0]
    assert area.desc == district.name_ru and area.geocodes == (("ISO 3166-2", "RU-KRS"),)


def test_another_operations_order_is_not_found(world: World) -> None:
    assert client_for(world, "duty").post("/alerts/desk/orders/999999/draft/").status_code == 404
