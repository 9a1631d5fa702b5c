"""The pure cores' tests touch no database: the suite runs them once, in the SQLite
process, and the PostgreSQL process (scripts/test runs both side by side) skips them.
test_linkage_command.py drives the Django command and stays in both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
USES_THE_DATABASE = {"test_linkage_command.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    once = pytest.mark.skip(reason="pure core, no database: run in the SQLite process")
    for item in items:
        if item.path.parent == HERE and item.path.name not in USES_THE_DATABASE:
            item.add_marker(once)
