from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "refuge.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from refuge.api import schema  # noqa: F401  (registers the bearer scheme)
