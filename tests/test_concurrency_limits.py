"""Parallel requests against the rate limits: exactly the limit passes, on PostgreSQL.

Before the counters (limits/store.py), the limits counted rows and then wrote one; sixteen
parallel requests let 6 guesses through a limit of 5 and 11 searches through a limit of 10.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client

from refuge.desks.tests.world import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so nothing races there",
    ),
]
PARALLEL = 16


def _at_once(request: Callable[[], str]) -> Counter[str]:
    start = threading.Barrier(PARALLEL)
    answers: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            start.wait()
            answer = request()
        except BaseException as e:  # anything else is a failure the test must show
            answer = repr(e)
        finally:
            connections.close_all()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(answers)


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_guesses_check_exactly_five_passwords() -> None:
    build_world()

    def guess() -> str:
        response = Client().post(
            "/accounts/login/",
            {"username": "manager", "password": "wrong password!"},
            REMOTE_ADDR="203.0.113.7",
        )
        return "locked" if "Too many failed attempts" in response.content.decode() else "checked"

    assert _at_once(guess) == {"checked": 5, "locked": 11}


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_public_searches_answer_exactly_ten() -> None:
    build_world()

    def search() -> str:
        response = Client().post(
            "/tracing/find/",
            {
                "family_name": "Коваленко",
                "given_name": "Оксана",
                "enquirer_name": "Олена Іваненко",
                "enquirer_contact": "+380 50 123 45 67",
            },  # fmt: skip
            REMOTE_ADDR="203.0.113.7",
        )
        return str(response.status_code)

    assert _at_once(search) == {"200": 10, "429": 6}
