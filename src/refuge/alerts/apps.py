from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "refuge.alerts"
    label = "alerts"
    verbose_name = "Public warnings (CAP)"
