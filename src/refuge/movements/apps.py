from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "refuge.movements"
    label = "movements"
