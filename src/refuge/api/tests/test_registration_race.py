"""Eight partners' retries of one registration at once: one household, one answer."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from refuge.api.tests.helpers import bearer, token_for
from refuge.api.tests.test_registration import family
from refuge.desks.tests.world import build_world
from refuge.registry.models import Household

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so nothing races there",
    ),
]
REQUESTS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_with_one_key_register_once_and_answer_alike() -> None:
    world = build_world()
    secret = token_for(world.users["registrar_a"])
    key, body = uuid.uuid4(), family()
    start = threading.Barrier(REQUESTS)
    answers: list[tuple[int, dict]] = []
    failed: list[BaseException] = []
    lock = threading.Lock()

    def partner() -> None:
        try:
            start.wait()
            response = bearer(secret).post(
                "/api/v1/households/", body, content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=str(key),
            )  # fmt: skip
            with lock:
                answers.append((response.status_code, response.json()))
        except BaseException as e:  # anything else is a failure the test must show
            with lock:
                failed.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=partner) for _ in range(REQUESTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert failed == []
    household = Household.objects.get(idempotency_key=key)
    assert household.members.count() == 2
    assert {status for status, _ in answers} == {201} and len(answers) == REQUESTS
    assert all(answer == answers[0][1] for _, answer in answers)
    assert answers[0][1]["household"]["id"] == household.pk
