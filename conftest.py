"""Fixtures for the whole suite (src/ and tests/)."""

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked slow: full matrices and repeated rounds (REFUGE_SLOW=1)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`slow` tests (every language x width, ten crash rounds) run only when asked for.

    CI runs a representative slice of each; `scripts/test --slow` runs the whole set.
    """
    if config.getoption("--slow") or os.environ.get("REFUGE_SLOW") == "1":
        return
    slow = [item for item in items if "slow" in item.keywords]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if "slow" not in item.keywords]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test database, with every table's ids starting at 1,000,000 (tests/ids.py)."""
    from tests.ids import start_ids_at

    with django_db_blocker.unblock():
        start_ids_at()
