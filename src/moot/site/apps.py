from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "moot.site"
    label = "site"
    verbose_name = "moot site"
