"""Form building blocks every app shares: GOV.UK date inputs, bounded text, versioned forms."""

from collections.abc import Callable
from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import long_date

EARLIEST = date(1900, 1, 1)
FURTHEST_AHEAD_YEARS = 2

DateBound = date | Callable[[], date] | None


def _resolve(bound: DateBound) -> date | None:
    return bound() if callable(bound) else bound


def furthest_ahead() -> date:
    """The latest date anything in a child's plan is set for: two years from today."""
    return timezone.localdate() + relativedelta(years=FURTHEST_AHEAD_YEARS)


def _capital(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}"


class GovDateField(DateInputField):
    """A GOV.UK day-month-year date input whose messages name the date being asked for.

    Dates outside `earliest`..`latest` (by default 1900 to two years ahead) are refused with
    the GOV.UK message, and so is any box holding something other than a small number.
    """

    def __init__(
        self,
        *,
        what: str,
        required: bool = True,
        earliest: DateBound = EARLIEST,
        latest: DateBound = furthest_ahead,
        **kwargs: Any,
    ) -> None:
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.what = what
        self.earliest, self.latest = earliest, latest
        self.error_messages["required"] = f"Enter {what}"
        self.error_messages["incomplete"] = f"{_capital(what)} must include a day, month and year"
        self.error_messages["invalid"] = f"{_capital(what)} must be a real date"
        for sub in self.fields:
            sub.required = required
            sub.error_messages["incomplete"] = self.error_messages["incomplete"]

    def compress(self, data_list: list[str]) -> date | None:
        day, month, year = ([str(part or "").strip() for part in data_list] + ["", "", ""])[:3]
        if not (day and month and year):
            return None
        if (
            not (day.isdigit() and month.isdigit() and year.isdigit())
            or max(len(day), len(month), len(year)) > 4
        ):
            raise ValidationError(self.error_messages["invalid"])
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers")
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:
            raise ValidationError(self.error_messages["invalid"]) from exc
        self._check_bounds(value)
        return value

    def _check_bounds(self, value: date) -> None:
        earliest, latest = _resolve(self.earliest), _resolve(self.latest)
        today = timezone.localdate()
        what = _capital(self.what)
        too_early = earliest is not None and value < earliest
        too_late = latest is not None and value > latest
        if too_late and latest == today:
            raise ValidationError(f"{what} must be today or in the past")
        if too_early and earliest == today:
            raise ValidationError(f"{what} must be today or in the future")
        if (too_early or too_late) and earliest not in (None, EARLIEST) and latest is not None:
            raise ValidationError(
                f"{what} must be between {long_date(earliest)} and {long_date(latest)}"
            )
        if too_early and earliest is not None:
            raise ValidationError(f"{what} must be the same as or after {long_date(earliest)}")
        if too_late and latest is not None:
            raise ValidationError(f"{what} must be the same as or before {long_date(latest)}")


class BoundedTextField(forms.CharField):
    """Free text on a textarea with a maximum length named in its error, the GOV.UK way."""

    def __init__(self, *, what: str, max_length: int, rows: int = 5, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)
        self.error_messages["max_length"] = (
            f"{_capital(what)} must be {max_length:,} characters or less"
        )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A maxlength attribute makes browsers cut pasted text silently; the error says why.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question shown as GOV.UK radios, cleaning to True or False."""

    def __init__(self, *, label: str, required_message: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            choices=[("true", "Yes"), ("false", "No")],
            coerce=lambda value: value == "true",
            widget=forms.RadioSelect,
            error_messages={"required": required_message},
            **kwargs,
        )


class VersionedForm(forms.Form):
    """A form that carries the version of the record it edits, to catch a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: on the named field where the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, messages)


def page_helper(*fields: object) -> FormHelper:
    """A crispy helper that renders only the fields: the page template owns the form tag."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper
