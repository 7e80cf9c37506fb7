"""Show an SSDA903 code with its meaning, never bare: "C2 Full care order"."""

from django import template

from children import codes

register = template.Library()


@register.filter
def coded(code: str | None, field: str) -> str:
    """The code and its plain-English meaning for a 903 field ("LS", "PLACE", ...)."""
    if not code:
        return ""
    meaning = codes.label(field, code)
    return code if meaning == code else f"{code} {meaning}"
