"""Rate limits that hold under parallel requests, across every worker process.

Each attempt adds one to a counter and reads the new value back in the same statement
(an UPSERT … RETURNING on the database, INCR on Redis). Two requests can never both read
"nine" and both pass a limit of ten, as they could when the code counted rows and then
wrote one: under sixteen parallel requests the eleventh of a limit of ten was let through.
Attempts are counted before the guarded work, refused ones included, which is what a
limit on guessing wants.

A window opens with a subject's first attempt and closes `window` later; the next attempt
after that opens a new one. (Windows fixed to the clock let a client take twice the limit
across a boundary, and made a test that crossed one pass or fail by the minute.) Subjects (an address, a username, a name searched for) are
keyed by an HMAC, so the counter table and Redis hold no names or addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from refuge.limits.models import Counter

PURGE_ONE_IN = 200  # expired counters are deleted now and then by the requests themselves

#: NOT_WAITING_FOR_DISK: on PostgreSQL a count made outside any transaction (every API
#: request's) commits in its own transaction with `synchronous_commit = off`: in
#: autocommit each count was a commit waiting for an fsync (2.8-4 ms of a 50 ms budget on
#: this machine, 0.16 ms without). A count lost to a crash in the next few hundred
#: milliseconds lets a client one request further, which a rate limit can afford. The
#: setting is LOCAL to that transaction; inside a caller's, the count commits with it.


@dataclass(frozen=True)
class Limit:
    """At most `most` attempts by one subject in each `window`."""

    name: str
    most: int
    window: timedelta


def take(limit: Limit, subject: str) -> bool:
    """Count one attempt; True while the subject is within the limit."""
    return _store().hit(_key(limit, subject), limit.window) <= limit.most


def give_back(limit: Limit, subject: str) -> None:
    """Uncount one attempt that turned out legitimate (a successful sign-in)."""
    _store().give_back(_key(limit, subject))


def forget(limit: Limit, subject: str) -> None:
    """Start the subject's count afresh (a successful login clears its failures)."""
    _store().forget(_key(limit, subject))


def _key(limit: Limit, subject: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), subject.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()[:40]
    return f"{limit.name}:{digest}"


def _upsert() -> str:
    q = connection.ops.quote_name
    table, key, hits, ends = q(Counter._meta.db_table), q("key"), q("hits"), q("expires_at")
    # Both SET expressions read the row as it was, on SQLite as on PostgreSQL.
    return (
        f"INSERT INTO {table} ({key}, {hits}, {ends}) VALUES (%s, 1, %s)"
        f" ON CONFLICT ({key}) DO UPDATE SET"
        f" {hits} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{hits} + 1 END,"
        f" {ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} ELSE {table}.{ends} END"
        f" RETURNING {hits}"
    )


class DatabaseStore:
    """The embedded default: one UPSERT … RETURNING, atomic on SQLite and PostgreSQL."""

    def hit(self, key: str, window: timedelta) -> int:
        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        params = [key, adapt(now + window), adapt(now), adapt(now)]
        alone = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic() if alone else nullcontext(), connection.cursor() as cursor:
            if alone:  # see NOT_WAITING_FOR_DISK
                cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(_upsert(), params)
            (hits,) = cursor.fetchone()
        if random.randrange(PURGE_ONE_IN) == 0:
            Counter.objects.filter(expires_at__lt=timezone.now()).delete()
        return int(hits)

    def give_back(self, key: str) -> None:
        Counter.objects.filter(key=key, hits__gt=0).update(hits=F("hits") - 1)

    def forget(self, key: str) -> None:
        Counter.objects.filter(key=key).delete()


_GIVE_BACK = "if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then return redis.call('DECR', KEYS[1]) end return 0"


class RedisStore:
    """Where REFUGE_REDIS_URL is set: INCR and EXPIREAT in one MULTI."""

    def __init__(self, url: str) -> None:
        import redis  # only needed where Redis is configured

        self.client: Any = redis.Redis.from_url(url)

    def hit(self, key: str, window: timedelta) -> int:
        pipe = self.client.pipeline(transaction=True)
        pipe.set(f"refuge:{key}", 0, ex=window, nx=True)  # opens the window if none is open
        pipe.incr(f"refuge:{key}")  # INCR keeps the time to live
        _, hits = pipe.execute()
        return int(hits)

    def give_back(self, key: str) -> None:
        # Only an open window is decremented: DECR on an expired key would create one
        # without a time to live.
        self.client.eval(_GIVE_BACK, 1, f"refuge:{key}")

    def forget(self, key: str) -> None:
        self.client.delete(f"refuge:{key}")


def _store() -> DatabaseStore | RedisStore:
    return _redis(settings.REDIS_URL) if settings.REDIS_URL else DatabaseStore()


@lru_cache(maxsize=2)
def _redis(url: str) -> RedisStore:
    return RedisStore(url)
