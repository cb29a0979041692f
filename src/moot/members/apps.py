from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "moot.members"
    label = "members"

    def ready(self) -> None:
        from moot.audit.redaction import register_standing_rule
        from moot.members.disclosure import reason_is_restricted

        # The trail hides a status change's reason exactly where the member pages do.
        register_standing_rule(reason_is_restricted)
