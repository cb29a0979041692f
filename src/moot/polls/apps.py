from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "moot.polls"
    label = "polls"
    verbose_name = "Polls"

    def ready(self) -> None:
        # Registers the rules predicates "polls.manage_poll", "polls.view_poll", "polls.vote".
        from moot.polls import permissions  # noqa: F401
