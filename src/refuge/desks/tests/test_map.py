"""The map's GeoJSON: shelters in scope coloured by occupancy, evacuated areas, no names."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from refuge.desks.tests.world import World
from refuge.geo.models import District
from refuge.operations.models import EvacuationOrder
from refuge.shelters.models import Shelter


def _client(world: World, who: str, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(world.users[who])
    return client


def _features(client: Client, layer: str) -> list[dict]:  # type: ignore[type-arg]
    response = client.get("/desk/map/data.geojson")
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return [f for f in data["features"] if f["properties"]["layer"] == layer]


def _order_sudzha(world: World, kind: str = "mandatory") -> None:
    order = EvacuationOrder.objects.create(
        operation=world.operation,
        effective_at=timezone.now() - timedelta(days=1),
        kind=kind,
        scope=EvacuationOrder.Scope.DISTRICTS,
    )
    order.districts.add(District.objects.get(slug="sudzhansky"))


def test_a_shelter_manager_maps_only_their_shelter(world: World) -> None:
    shelters = _features(_client(world, "manager"), "shelter")
    assert [f["properties"]["name"] for f in shelters] == ["Shelter A"]
    a = shelters[0]
    assert a["geometry"] == {
        "type": "Point",
        "coordinates": [round(world.shelter_a.lon, 6), round(world.shelter_a.lat, 6)],
    }
    assert a["properties"]["url"] == f"/desk/shelters/{world.shelter_a.pk}/"
    assert a["properties"]["wheelchair"] is True


def test_shelters_are_coloured_by_how_full_they_are(world: World) -> None:
    Shelter.objects.filter(pk=world.shelter_a.pk).update(occupancy=28)  # 28 + 2 reserved of 40
    Shelter.objects.filter(pk=world.shelter_b.pk).update(occupancy=38)
    ru = _client(world, "national", "ru")
    by_name = {f["properties"]["name"]: f["properties"] for f in _features(ru, "shelter")}
    assert by_name["Shelter A"]["class"] == "filling"
    assert by_name["Shelter A"]["summary"][0] == "10 свободно из 40 мест"
    assert by_name["Shelter B"]["class"] == "full" and by_name["Shelter B"]["free"] == 0


def test_evacuated_districts_are_outlined_and_their_settlements_marked(world: World) -> None:
    client = _client(world, "regional", "ru")
    assert _features(client, "district") == []
    _order_sudzha(world)
    [district] = _features(client, "district")
    assert district["properties"]["name"] == "Суджанский район"
    ring = district["geometry"]["coordinates"][0]
    assert district["geometry"]["type"] == "Polygon" and ring[0] == ring[-1] and len(ring) > 4
    settlements = _features(client, "settlement")
    sudzha = District.objects.get(slug="sudzhansky")
    assert len(settlements) == sudzha.settlements.count()
    assert {f["properties"]["kind"] for f in settlements} == {"mandatory"}
    assert len(_features(client, "border")) == 1
    page = client.get("/desk/map/").content.decode()
    assert "Суджанский район" in page  # the same areas as a table, for reading without the map


def test_the_map_data_holds_no_personal_data(world: World) -> None:
    _order_sudzha(world)
    body = _client(world, "national").get("/desk/map/data.geojson").content.decode()
    for personal in ("Ivanova", "Petrova", "Anna0", "Point A"):
        assert personal not in body


def test_without_a_tile_server_the_page_loads_nothing_from_elsewhere(world: World) -> None:
    response = _client(world, "national").get("/desk/map/")
    html = response.content.decode()
    assert 'data-tiles=""' in html
    assert "/static/leaflet/leaflet.js" in html and "<script>" not in html
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]
    assert _client(world, "national").get("/static/leaflet/leaflet.js").status_code == 200


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png", "https://*.tiles.example.org"),
    ],
)
def test_a_configured_tile_server_is_the_one_other_image_source(
    world: World, settings, url: str, allowed: str
) -> None:  # type: ignore[no-untyped-def]
    settings.TILE_URL = url
    response = _client(world, "national").get("/desk/map/")
    assert f'data-tiles="{url}"' in response.content.decode()
    assert f"img-src 'self' data: {allowed};" in response["Content-Security-Policy"]
