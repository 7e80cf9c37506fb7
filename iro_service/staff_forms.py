"""Staff account forms for admins."""

from decimal import Decimal
from typing import Any

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from core.forms import GovDateField, page_helper
from iro_service.models import Role, User
from iro_service.services import StaffDetails


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is no longer active",
    }


class StaffForm(forms.ModelForm):
    """Add or change a staff account and its role; an edit carries the version it read."""

    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role"},
    )
    left_on = GovDateField(
        what="the date they left",
        label="Date left the service (optional)",
        required=False,
        latest=timezone.localdate,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A text box with a decimal keypad, not a number input: the GOV.UK pattern for numbers.
    fte = forms.DecimalField(
        label="FTE",
        required=False,
        max_digits=3,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "FTE must be a number, like 0.8",
            "max_digits": "FTE must be between 0.1 and 1.0",
            "max_decimal_places": "FTE must have no more than 2 decimal places",
        },
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "job_title", "fte", "is_active"]
        error_messages = {
            "full_name": {
                "required": "Enter the full name",
                "max_length": "Full name must be 150 characters or less",
            },
            "email": {
                "required": "Enter the email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
                "unique": "A staff member with this email address already exists",
            },
            "job_title": {"max_length": "Job title must be 150 characters or less"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)
        if self.instance.pk:
            self.initial["role"] = self.instance.role or None
            self.initial["left_on"] = self.instance.left_on
            self.initial["version"] = self.instance.version
        self.fields["fte"].help_text = "Required for IROs: 0.1 to 1.0"
        self.fields["is_active"].label = "Account is active"
        self.helper = page_helper(
            Field.text("full_name", field_width=20),
            Field.text("email", field_width=20),
            Field.text("job_title", field_width=20),
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("fte", field_width=4),
            Field.checkbox("is_active"),
            Field("left_on"),
            "version",
            Submit("submit", "Save"),
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("role") == Role.IRO.value and data.get("fte") is None:
            self.add_error("fte", "Enter the IRO's FTE, from 0.1 to 1.0")
        fte = data.get("fte")
        if fte is not None and not (Decimal("0.1") <= fte <= Decimal("1.0")):
            self.add_error("fte", "FTE must be between 0.1 and 1.0")
        return data

    def details(self) -> StaffDetails:
        data = self.cleaned_data
        return StaffDetails(
            full_name=data["full_name"],
            email=data["email"],
            job_title=data["job_title"],
            fte=data["fte"],
            role=data["role"],
            is_active=data["is_active"],
            left_on=data.get("left_on"),
        )
