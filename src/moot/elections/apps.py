from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "moot.elections"
    label = "elections"
