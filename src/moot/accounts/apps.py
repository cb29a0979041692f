from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "moot.accounts"
    label = "accounts"
    verbose_name = "accounts and roles"

    def ready(self) -> None:
        # Registers the permission rules (members.*, units.*, audit.*, rulebook.*).
        from moot.accounts import permissions, receivers  # noqa: F401
