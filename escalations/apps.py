from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        # Registers the escalations' entries with the child's timeline.
        from escalations import timeline  # noqa: F401
