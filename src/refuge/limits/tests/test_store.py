"""The counter store: the same answers from the database and from Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from refuge.limits.models import Counter
from refuge.limits.store import Limit, forget, give_back, take

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["database", "redis"])
def store(request, db):  # type: ignore[no-untyped-def]
    if request.param == "database":
        yield "database"
        return
    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with override_settings(REDIS_URL=REDIS_URL):
        yield "redis"


def test_exactly_the_limit_passes_then_every_attempt_is_refused(store: str) -> None:
    limit = Limit("test-three", 3, timedelta(minutes=10))
    assert [take(limit, "203.0.113.7") for _ in range(5)] == [True] * 3 + [False] * 2


def test_subjects_are_counted_apart(store: str) -> None:
    limit = Limit("test-one", 1, timedelta(minutes=10))
    assert take(limit, "203.0.113.7") and take(limit, "203.0.113.8")
    assert not take(limit, "203.0.113.7")


def test_forget_starts_the_count_afresh(store: str) -> None:
    limit = Limit("test-two", 2, timedelta(minutes=15))
    take(limit, "manager|10.0.0.9")
    take(limit, "manager|10.0.0.9")
    forget(limit, "manager|10.0.0.9")
    assert take(limit, "manager|10.0.0.9")


def test_the_database_holds_no_address_or_name(db) -> None:  # type: ignore[no-untyped-def]
    take(Limit("test-keys", 5, timedelta(minutes=10)), "иванова|203.0.113.7")
    (key,) = Counter.objects.values_list("key", flat=True)
    assert "203.0.113" not in key and "иванова" not in key
    assert Counter.objects.get().hits == 1


def test_a_window_opens_with_the_first_attempt_and_the_count_restarts_after_it(
    store: str,
) -> None:
    import time

    limit = Limit("test-short", 1, timedelta(seconds=1))
    assert take(limit, "203.0.113.7") and not take(limit, "203.0.113.7")
    time.sleep(1.2)
    assert take(limit, "203.0.113.7") and not take(limit, "203.0.113.7")


def test_an_attempt_given_back_is_not_counted(store: str) -> None:
    limit = Limit("test-give-back", 2, timedelta(minutes=15))
    for _ in range(5):  # five colleagues sign in from one reception point's address
        assert take(limit, "203.0.113.7")
        give_back(limit, "203.0.113.7")
    assert take(limit, "203.0.113.7") and take(limit, "203.0.113.7")
    assert not take(limit, "203.0.113.7")


def test_giving_back_with_no_window_open_counts_nothing(store: str) -> None:
    limit = Limit("test-give-back-none", 1, timedelta(minutes=15))
    give_back(limit, "203.0.113.8")
    assert take(limit, "203.0.113.8") and not take(limit, "203.0.113.8")


@pytest.mark.django_db(transaction=True)
def test_a_count_outside_any_transaction_commits_and_leaves_durability_as_it_was() -> None:
    """In autocommit (an API request) the count commits on its own; on PostgreSQL without
    waiting for the disk, a setting that must not outlive its one transaction."""
    from django.db import connection, transaction

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    limit = Limit("test-autocommit", 2, timedelta(minutes=10))
    assert not connection.in_atomic_block
    assert take(limit, "203.0.113.9") and take(limit, "203.0.113.9")
    assert not take(limit, "203.0.113.9")
    assert Counter.objects.get().hits == 3
    if connection.vendor == "postgresql":
        assert synchronous_commit() == "on"
        with transaction.atomic():  # a caller's transaction keeps its durable commit
            take(limit, "203.0.113.10")
            assert synchronous_commit() == "on"
