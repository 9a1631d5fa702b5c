"""A scratch database of the same kind as the test run's, for driving the `refuge` CLI.

Tests that check what a user types (`refuge scenario load …`, `refuge sitrep …`) run
the real command in a subprocess against a database of their own: an SQLite file in
a temporary directory, or a fresh PostgreSQL database when the suite runs on one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import dj_database_url


class ScratchDatabase:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {**os.environ, "REFUGE_DATA_DIR": str(tmp)}
        self.pg_url: str | None = None
        base = os.environ.get("DATABASE_URL")
        if base:
            cfg = dj_database_url.parse(base)
            name = f"refuge_scratch_{uuid.uuid4().hex[:10]}"
            self._admin(cfg, f'CREATE DATABASE "{name}"')
            self.pg_url = base.rsplit("/", 1)[0] + "/" + name
            self.env["DATABASE_URL"] = self.pg_url
            self._name, self._cfg = name, cfg
        else:
            self.env.pop("DATABASE_URL", None)

    @staticmethod
    def _admin(cfg: dict[str, Any], sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=cfg["HOST"],
            port=cfg["PORT"] or 5432,
            user=cfg["USER"],
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def refuge(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "refuge", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"refuge {' '.join(args)} failed:\n{result.stderr}")
        return result

    def sitrep(self, as_of: str = "2024-08-19T08:00+03:00", *extra: str) -> dict[str, Any]:
        return json.loads(
            self.refuge("sitrep", "--as-of", as_of, "--format", "json", *extra).stdout
        )

    def drop(self) -> None:
        if self.pg_url:
            self._admin(self._cfg, f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')


def loaded(tmp: Path, *load_args: str) -> ScratchDatabase:
    db = ScratchDatabase(tmp)
    db.refuge("migrate", "--verbosity", "0")
    subprocess.run(
        [sys.executable, "-m", "tests.ids"], env=db.env, check=True, cwd=Path(__file__).parents[1]
    )
    if load_args:
        db.refuge("scenario", "load", "kursk-2024", *load_args)
    return db
