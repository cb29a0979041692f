from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "moot.motions"
    label = "motions"
