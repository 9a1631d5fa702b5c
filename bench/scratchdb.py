"""A throwaway database for one bench run: an SQLite file in a temporary folder, or a
fresh PostgreSQL database dropped afterwards (empty, or a copy of `template=NAME`);
or, with `keep=NAME`, a PostgreSQL
database of that name created when absent and kept afterwards, so that a large load
(the scenario at scale 10 takes many minutes) is made once and read by later runs."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG = os.environ.get("REFUGE_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def pg_execute(sql: str, database: str = "postgres") -> list[tuple]:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def is_loaded(name: str) -> bool:
    """Whether the PostgreSQL database `name` exists and holds an operation."""
    if not pg_execute(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        return False
    found = pg_execute("SELECT to_regclass('operations_operation') IS NOT NULL", name)
    return bool(found[0][0]) and bool(pg_execute("SELECT 1 FROM operations_operation", name))


@contextmanager
def scratch_env(
    database: str, keep: str | None = None, template: str | None = None
) -> Iterator[tuple[dict[str, str], Path]]:
    """The environment for `refuge` subprocesses on the scratch database, and its folder.

    `template`: the PostgreSQL scratch database starts as a copy of that one (a kept
    scenario load), so a run that writes leaves the loaded one as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "REFUGE_DATA_DIR": tmp}
        env.pop("DATABASE_URL", None)
        if database != "postgres":
            yield env, Path(tmp)
            return
        if keep:
            if not pg_execute(f"SELECT 1 FROM pg_database WHERE datname = '{keep}'"):
                pg_execute(f'CREATE DATABASE "{keep}"')
            env["DATABASE_URL"] = f"{PG}/{keep}"
            yield env, Path(tmp)
            return
        name = f"refuge_bench_{uuid.uuid4().hex[:8]}"
        pg_execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        env["DATABASE_URL"] = f"{PG}/{name}"
        try:
            yield env, Path(tmp)
        finally:
            pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
