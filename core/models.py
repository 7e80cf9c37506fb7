"""The base every case record stands on: a public id, who made and changed it, a version.

And the open-ended date range (a start, an optional end) that allocations, cover, periods
of care, in-contact plans and Independent Visitor matches share.
"""

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q

if TYPE_CHECKING:
    from iro_service.models import User


class Record(models.Model):
    """A case record: public UUID, created/modified by and at, and an edit version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def stamp(self, by: "User") -> None:
        """Record `by` as the creator of a new record and the last to change it."""
        if self.created_by_id is None:
            self.created_by = by
        self.modified_by = by

    def save_by(self, by: "User", **kwargs: Any) -> None:
        """Stamp, validate every field and constraint, and save: the way services write.

        A record saved again gets a new version, so a form opened before it goes stale.
        """
        self.stamp(by)
        if not self._state.adding:
            self.version += 1
        self.full_clean()
        self.save(**kwargs)


class DateRangeQuerySet(models.QuerySet):
    def open(self) -> Self:
        """Ranges with no end date yet."""
        return self.filter(end_date=None)

    def in_force_on(self, day: date) -> Self:
        """Ranges that have started by `day` and not ended before it (an end day counts)."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class DateRange(models.Model):
    """A start date and an optional end date on or after it; open while the end is blank."""

    start_date = models.DateField("Start date")
    end_date = models.DateField("End date", null=True, blank=True)

    objects = DateRangeQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(class)s_ends_after_it_starts",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date"})


def one_open_per(field: str, *, name: str, message: str | None = None) -> models.UniqueConstraint:
    """At most one open range per `field` value (one open allocation per child, say)."""
    return models.UniqueConstraint(
        fields=[field],
        condition=Q(end_date__isnull=True),
        name=name,
        violation_error_message=message,
    )


NOTE_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000


class BoundedTextField(models.TextField):
    """Free text with a maximum length that model validation enforces (TextField's does not)."""

    def __init__(self, *args: Any, max_length: int = NOTE_MAX_LENGTH, **kwargs: Any) -> None:
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        # Kept out of deconstruct(): the limit lives in max_length, so migrations stay quiet.
        self.validators.append(MaxLengthValidator(max_length))


class ChildDates(models.Model):
    """A record of a child whose dates cannot fall before the child was born."""

    CHILD_DATE_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        child = getattr(self, "child", None) if getattr(self, "child_id", None) else None
        if child is None:
            return
        errors = {}
        for name in self.CHILD_DATE_FIELDS:
            value = getattr(self, name, None)
            if isinstance(value, datetime):
                value = value.date()
            if value is not None and value < child.date_of_birth:
                label = getattr(self._meta.get_field(name), "verbose_name", name)
                errors[name] = (
                    f"{str(label).capitalize()} must be on or after the child's date of birth"
                )
        if errors:
            raise ValidationError(errors)
