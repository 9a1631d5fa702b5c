from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "refuge.shelters"
    label = "shelters"
