from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IroServiceConfig(AppConfig):
    name = "iro_service"
    verbose_name = "IRO service"

    def ready(self) -> None:
        from iro_service.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="iro_service.sync_roles")
