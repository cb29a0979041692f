from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "moot.ballots"
    label = "ballots"
    verbose_name = "Ballots"
