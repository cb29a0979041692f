from django.apps import AppConfig


class VerifiableConfig(AppConfig):
    name = "moot.verifiable"
    label = "verifiable"
    verbose_name = "Verifiable ballots"

    def ready(self) -> None:
        # A ballot's definition, issue and plain ballot page learn of verifiable ballots.
        from moot.verifiable import hooks

        hooks.register()
