from django.apps import AppConfig


class SupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "support"
    verbose_name = "Keeping in touch, advocacy and Independent Visitors"

    def ready(self) -> None:
        # Registers the care-ended step (children.lifecycle) and the child timeline source.
        from support import care_end, timeline  # noqa: F401
