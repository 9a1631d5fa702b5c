from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "refuge.geo"
    label = "geo"
