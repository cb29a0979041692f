from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "moot.motions"
    label = "motions"
    verbose_name = "Motions"

    def ready(self) -> None:
        # Registers the rules predicates "motions.*" (see moot.motions.permissions).
        from moot.meetings.hooks import register_item_links, register_minutes_section
        from moot.motions import permissions  # noqa: F401
        from moot.motions.hooks import item_links, minutes_section
        from moot.site.navigation import NAV

        register_item_links(item_links)
        from moot.audit.redaction import register_withheld_rule
        from moot.motions.confidential import withheld_events

        # The trail shows nothing of a motion withheld as confidential business.
        register_withheld_rule(withheld_events)
        from moot.motions.poll_closed import poll_subjects, settle_closed_poll
        from moot.polls.hooks import register_after_close, register_subject

        # Closing a poll anywhere moves on its amendment, motion or challenge (polls.hooks).
        register_after_close(settle_closed_poll)
        register_subject(poll_subjects)
        from moot.meetings.hooks import register_unfinished_business
        from moot.motions.chair_console import unfinished_motions

        register_unfinished_business(unfinished_motions)  # listed before the meeting closes
        register_minutes_section("motions", 60, minutes_section)
        if not any(entry[0] == "motions:index" for entry in NAV):
            NAV.append(("motions:index", "Motions", None))
