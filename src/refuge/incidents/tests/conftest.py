from refuge.alerts.tests.conftest import world  # noqa: F401  (the desks' shared world)
