from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "moot.units"
    label = "units"
