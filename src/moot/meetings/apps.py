from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "moot.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # Registers "meetings.manage_meeting", "meetings.view_meeting", "meetings.check_in",
        # "meetings.list_meetings".
        from moot.meetings import permissions  # noqa: F401
