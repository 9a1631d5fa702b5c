"""A throwaway database for one bench run: an SQLite file in a temporary folder, or a
fresh PostgreSQL database dropped afterwards."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG = os.environ.get("REFUGE_TEST_PG", "postgres://postgres@127.0.0.1:5432")


@contextmanager
def scratch_env(database: str) -> Iterator[tuple[dict[str, str], Path]]:
    """The environment for `refuge` subprocesses on the scratch database, and its folder."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "REFUGE_DATA_DIR": tmp}
        env.pop("DATABASE_URL", None)
        if database != "postgres":
            yield env, Path(tmp)
            return
        import psycopg

        name = f"refuge_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{PG}/{name}"
        try:
            yield env, Path(tmp)
        finally:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
