"""Dates as people read them, and the check every service makes of a day that has happened."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone


def long_date(day: date) -> str:
    """A date the GOV.UK way: 5 February 2024."""
    return f"{day:%-d %B %Y}"


def not_in_future(day: date | None, *, field: str, what: str) -> None:
    """Refuse a day that has not happened yet for something that has (a contact, a response)."""
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past"})
