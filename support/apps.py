from django.apps import AppConfig


class SupportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "support"
    verbose_name = "Keeping in touch, advocacy and Independent Visitors"

    def ready(self) -> None:
        from support import timeline  # noqa: F401  (registers the child timeline source)
