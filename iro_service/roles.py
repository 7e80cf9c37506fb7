"""The staff roles as groups and the permissions each holds, kept in step after every migrate."""

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from iro_service.models import Role

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.IRO: (
        "children.view_allocated_children",
        "children.change_child",
        "escalations.add_escalation",
        "escalations.change_escalation",
    ),
    Role.MANAGER: (
        "children.view_all_children",
        "children.add_child",
        "children.change_child",
        "children.allocate_iro",
        "escalations.add_escalation",
        "escalations.change_escalation",
        "escalations.view_all_escalations",
        "alerts.view_service_alerts",
        "reporting.build_report",
        "reporting.change_narrative",
        "reporting.add_complaint",
        "reporting.change_complaint",
        "ssda903.export_903",
    ),
    Role.ADMIN: (
        "iro_service.manage_staff",
        "ssda903.import_903",
        "ssda903.export_903",
        "reporting.build_report",
        "reporting.change_narrative",
        "reporting.add_complaint",
        "reporting.change_complaint",
    ),
}


def sync_roles(**kwargs: Any) -> None:
    """Create each role's group and give it exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
