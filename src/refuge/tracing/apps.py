from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "refuge.tracing"
    label = "tracing"
    verbose_name = "Tracing"
