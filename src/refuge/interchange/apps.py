from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "refuge.interchange"
    label = "interchange"
