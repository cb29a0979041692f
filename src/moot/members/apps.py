from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "moot.members"
    label = "members"
