from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "moot.polls"
    label = "polls"
