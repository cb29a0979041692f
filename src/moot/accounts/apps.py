from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "moot.accounts"
    label = "accounts"
