from django.apps import AppConfig


class FieldDataConfig(AppConfig):
    name = "refuge.fielddata"
    label = "fielddata"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The spreadsheet list's job kind lives beside the parser, not in jobs.py.
        from refuge.fielddata import list_jobs  # noqa: F401
