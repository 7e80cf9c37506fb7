"""Template tags for forms that a template loop would make slow."""

from django import forms, template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

register = template.Library()


@register.simple_tag
def select_options(field: forms.BoundField, truncate: int = 0) -> SafeString:
    """A select's <option>s, the chosen one selected, in one join of escaped strings.

    A template loop costs about 20 microseconds an option, and format_html about 10: a list
    of every IRO in a national service (1,600) spent 24 ms on its options alone.
    """
    chosen = str(field.value() or "")
    options = []
    for value, label in field.field.choices:  # type: ignore[attr-defined]
        text = str(value)
        shown = Truncator(label).chars(truncate) if truncate else label
        selected = " selected" if text == chosen else ""
        options.append(f'<option value="{escape(text)}"{selected}>{escape(shown)}</option>')
    return mark_safe("".join(options))  # noqa: S308  (every value and label escaped above)
