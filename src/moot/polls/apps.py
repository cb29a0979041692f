from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "moot.polls"
    label = "polls"
    verbose_name = "Polls"

    def ready(self) -> None:
        # Registers the rules predicates "polls.manage_poll", "polls.view_poll", "polls.vote".
        from moot.polls import permissions  # noqa: F401
        from moot.polls.dashboard import open_votes_panel
        from moot.polls.papers import register_meeting_hooks
        from moot.site.dashboard import PANELS
        from moot.site.navigation import NAV

        NAV.append(("polls:list", "Polls", None))
        PANELS.append(open_votes_panel)
        register_meeting_hooks()  # links and projector fragments on meeting agenda items
        from moot.meetings.hooks import register_before_close
        from moot.polls.queries import open_votes_before_close

        register_before_close(open_votes_before_close)  # no meeting closes with a vote open

        from django.db.models.signals import post_delete, post_save

        from moot.polls.queries import forget_editions

        for signal in (post_save, post_delete):
            signal.connect(
                forget_editions, sender="units.AdoptedEdition", dispatch_uid="polls-editions"
            )
