from django.apps import AppConfig


class VerifiableConfig(AppConfig):
    name = "moot.verifiable"
    label = "verifiable"
    verbose_name = "Verifiable ballots"
