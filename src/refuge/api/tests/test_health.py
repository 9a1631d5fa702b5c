from __future__ import annotations

from django.test import Client, override_settings

from refuge.desks.tests.world import World


def test_healthz_says_the_database_and_migrations_are_fine(world: World) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["migrations"] == "ok"


@override_settings(REFUGE_METRICS_ALLOWED=["10.1.0.0/16"])
def test_metrics_answer_only_the_configured_addresses(world: World) -> None:
    assert Client(REMOTE_ADDR="192.0.2.7").get("/metrics").status_code == 404
    response = Client(REMOTE_ADDR="10.1.4.2").get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "refuge_households_registered 2\n" in text
    assert "refuge_persons_registered 4\n" in text
    assert 'refuge_shelters{status="open"} 2\n' in text
    assert "Ivanova" not in text
