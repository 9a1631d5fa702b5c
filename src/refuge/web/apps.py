from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "refuge.web"
    label = "web"
