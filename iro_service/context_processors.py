"""Template context shared by every page: the navigation a user's role allows."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    """Navigation items for the signed-in user's role, the current one marked active, and
    how many new alerts they have (counted only if the page shows it)."""
    from alerts.selectors import unread_count

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[tuple[str, str]] = []
    if user.has_perm("children.view_allocated_children"):
        items.append(("Your week", reverse("dashboards:iro")))
        items.append(("My caseload", reverse("reviews:caseload")))
        items.append(("My escalations", reverse("escalations:mine")))
    if user.has_perm("children.view_all_children"):
        items.append(("All children", reverse("children:list")))
    if user.has_perm("children.allocate_iro"):
        items.append(("Unallocated children", reverse("children:unallocated")))
        items.append(("Cover", reverse("children:cover")))
    if user.has_perm("escalations.view_all_escalations"):
        items.append(("Escalations", reverse("escalations:list")))
    if user.has_perm("children.view_allocated_children") or user.has_perm(
        "children.view_all_children"
    ):
        items.append(("Independent Visitors", reverse("support:iv_list")))
    if user.has_perm("reporting.build_report"):
        items.append(("Annual report", reverse("reporting:home")))
    if user.has_perm("ssda903.import_903"):
        items.append(("Import 903", reverse("ssda903:imports")))
    if user.has_perm("iro_service.manage_staff"):
        items.append(("Staff", reverse("staff:list")))
    path = request.path
    return {
        "nav_items": [NavItem(label, url, path.startswith(url)) for label, url in items],
        "alert_unread": lambda: unread_count(user),
    }
