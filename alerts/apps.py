from django.apps import AppConfig


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "Timeliness alerts"

    def ready(self) -> None:
        from alerts import services
        from audit import writer

        # A saved change to a child's record rechecks that child's alerts once it commits.
        writer.after_change(services.on_change)
