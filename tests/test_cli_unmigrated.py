"""A command run against a data directory that was never migrated says what to do.

The walk ran the README's `refuge token create` in a new shell, without the demo's
REFUGE_DATA_DIR, and got a traceback ending in "no such table: auth_user"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_an_unmigrated_data_directory_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REFUGE_DATA_DIR"] = str(tmp_path)
    ran = subprocess.run(
        [sys.executable, "-m", "refuge", "token", "list", "demo-national-coordinator"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 1
    assert "Traceback" not in ran.stderr
    assert f"the database {tmp_path / 'refuge.sqlite3'} has no Refuge tables yet" in ran.stderr
    assert "refuge migrate" in ran.stderr
