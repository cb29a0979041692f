from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "moot.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # Registers "meetings.manage_meeting", "meetings.view_meeting", "meetings.check_in",
        # "meetings.list_meetings".
        from django.db.models.signals import post_delete, post_save

        from moot.meetings import hooks, permissions  # noqa: F401
        from moot.meetings.dashboard import meetings_panel
        from moot.meetings.item_links import minutes_item_links
        from moot.meetings.queries import forget_editions
        from moot.site.dashboard import PANELS

        if meetings_panel not in PANELS:
            PANELS.append(meetings_panel)
        hooks.register_item_links(minutes_item_links)
        from moot.meetings.console import minutes_section as chair_minutes

        # Adjournments, hand-overs of the chair, unfinished business (the chair's console).
        hooks.register_minutes_section("chair", 80, chair_minutes)  # after elections (70)

        for signal in (post_save, post_delete):
            signal.connect(
                forget_editions, sender="units.AdoptedEdition", dispatch_uid="meetings-editions"
            )
