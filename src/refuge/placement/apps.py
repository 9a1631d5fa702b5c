from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "refuge.placement"
    label = "placement"
    verbose_name = "Placement"
