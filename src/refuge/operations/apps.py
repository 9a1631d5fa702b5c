from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "refuge.operations"
    label = "operations"
