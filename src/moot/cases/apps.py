from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "moot.cases"
    label = "cases"
    verbose_name = "Complaints and cases"
