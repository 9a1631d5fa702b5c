from django.apps import AppConfig


class ScenarioConfig(AppConfig):
    name = "refuge.scenario"
    label = "scenario"
