from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "refuge.incidents"
    label = "incidents"
    verbose_name = "Incidents and deployments"
