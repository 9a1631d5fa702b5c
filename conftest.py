"""Fixtures for the whole suite (src/ and tests/)."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test database, with every table's ids starting at 1,000,000 (tests/ids.py)."""
    from tests.ids import start_ids_at

    with django_db_blocker.unblock():
        start_ids_at()
