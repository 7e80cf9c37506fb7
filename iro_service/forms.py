"""Form building blocks shared by every app: GOV.UK date inputs with specific messages."""

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.exceptions import ValidationError


class GovDateField(DateInputField):
    """A GOV.UK day-month-year date input whose messages name the date being asked for."""

    def __init__(self, *, what: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.what = what
        self.error_messages["required"] = f"Enter {what}"
        self.error_messages["incomplete"] = (
            f"{what[0].upper()}{what[1:]} must include a day, month and year"
        )
        self.error_messages["invalid"] = f"{what[0].upper()}{what[1:]} must be a real date"
        for sub in self.fields:
            sub.required = required
            sub.error_messages["incomplete"] = self.error_messages["incomplete"]

    def compress(self, data_list: list[str]) -> date | None:
        day, month, year = (list(data_list) + [None, None, None])[:3]
        if not (day and month and year):
            return None
        try:
            value = date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"]) from exc
        if value.year < 1900:
            raise ValidationError(self.error_messages["invalid"])
        return value


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


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
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
