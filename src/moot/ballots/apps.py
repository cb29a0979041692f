from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "moot.ballots"
    label = "ballots"
    verbose_name = "Ballots"

    def ready(self) -> None:
        # definition and officers: the rules predicates "ballots.*".
        from moot.ballots import permissions  # noqa: F401
        from moot.site.navigation import NAV

        if not any(entry[0] == "ballots:index" for entry in NAV):
            NAV.append(("ballots:index", "Ballots", "ballots.view_ballot"))

        # nominations and events: a suspension in the register reaches open ballots.
        from moot.ballots.receivers import on_status_changed
        from moot.members.signals import status_changed

        status_changed.connect(on_status_changed, dispatch_uid="ballots.on_status_changed")

        # deliveries: an e-mail service's bounce, complaint or rejection puts the voter on post.
        from moot.ballots import bounces

        bounces.connect()
