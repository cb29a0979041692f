from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "moot.policies"
    label = "policies"
    verbose_name = "Policies"

    def ready(self) -> None:
        # Registers the rules predicates "policies.*" and the hook that turns a carried policy
        # motion into the policy's new version (in the motion outcome's transaction).
        from moot.motions.extensions import (
            register_amendment_check,
            register_minutes_sentences,
            register_motion_notes,
            register_on_carried,
        )
        from moot.policies import permissions  # noqa: F401
        from moot.policies.motion_hooks import (
            check_amendment,
            minutes_sentences,
            motion_notes,
            on_motion_carried,
        )
        from moot.site.navigation import NAV

        register_on_carried(on_motion_carried)
        register_motion_notes(motion_notes)
        register_minutes_sentences(minutes_sentences)
        register_amendment_check(check_amendment)
        if not any(entry[0] == "policies:index" for entry in NAV):
            NAV.append(("policies:index", "Policies", "policies.view_policies"))
