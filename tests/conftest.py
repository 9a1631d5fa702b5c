import pytest

from refuge.conftest import _default_language, _fresh_cache  # noqa: F401  (autouse here too)
from tests.scratch import ScratchDatabase, loaded


@pytest.fixture(scope="session")
def kursk_full(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The Kursk-2024 scenario at scale 1, loaded with the CLI into a scratch database."""
    db = loaded(tmp_path_factory.mktemp("kursk-full"))
    db.refuge("scenario", "load", "kursk-2024")
    yield db
    db.drop()


@pytest.fixture(scope="session")
def kursk_tenth(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = loaded(tmp_path_factory.mktemp("kursk-tenth"), "--scale", "0.1")
    yield db
    db.drop()


@pytest.fixture
def scratch(tmp_path):  # type: ignore[no-untyped-def]
    db = ScratchDatabase(tmp_path)
    yield db
    db.drop()
