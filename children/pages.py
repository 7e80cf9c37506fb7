"""What every app's pages about one child share: the child's page and a form page's caption."""

from django.urls import reverse

from children.models import Child


def child_url(child: Child, section: str = "") -> str:
    """The child's page, at the section (an element id) a change shows in."""
    page = reverse("children:detail", args=[child.public_id])
    return f"{page}#{section}" if section else page


def about_child(child: Child) -> dict[str, str]:
    """What a form page about one child shows above its heading and links back to."""
    return {"caption": f"{child.full_name} ({child.child_ref})", "back_url": child_url(child)}
