from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "moot.limits"
    label = "limits"
    verbose_name = "moot rate limits"
