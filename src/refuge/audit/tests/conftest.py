from refuge.desks.tests.conftest import world

__all__ = ["world"]
