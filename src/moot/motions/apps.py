from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "moot.motions"
    label = "motions"
    verbose_name = "Motions"

    def ready(self) -> None:
        # Registers the rules predicates "motions.*" (see moot.motions.permissions).
        from moot.motions import permissions  # noqa: F401
