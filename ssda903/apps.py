from django.apps import AppConfig


class Ssda903Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ssda903"
    verbose_name = "SSDA903 import and export"
