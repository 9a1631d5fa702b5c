from django.apps import AppConfig


class DesksConfig(AppConfig):
    name = "refuge.desks"
    label = "desks"
