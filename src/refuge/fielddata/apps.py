from django.apps import AppConfig


class FieldDataConfig(AppConfig):
    name = "refuge.fielddata"
    label = "fielddata"
    default_auto_field = "django.db.models.BigAutoField"
