from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "moot.audit"
    label = "audit"
