"""Template tags for forms that a template loop would make slow."""

from django import forms, template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

register = template.Library()
SELECTED = mark_safe(" selected")


@register.simple_tag
def select_options(field: forms.BoundField, truncate: int = 0) -> SafeString:
    """A select's <option>s, the chosen one selected, in one join.

    A template loop costs about 20 microseconds an option: a list of every IRO in a
    national service (1,400) would spend 30 ms on its options alone.
    """
    chosen = str(field.value() or "")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                value,
                SELECTED if str(value) == chosen else "",
                Truncator(label).chars(truncate) if truncate else label,
            )
            for value, label in field.field.choices  # type: ignore[attr-defined]
        ),
    )
