"""Staff account forms for admins."""

from decimal import Decimal
from typing import Any

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.forms import GovDateField, page_helper
from iro_service.models import Role, User


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is no longer active",
    }


class StaffForm(forms.ModelForm):
    """Create or change a staff account and its role."""

    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role"},
    )
    left_on = GovDateField(
        what="the date they left", label="Date left the service (optional)", required=False
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "job_title", "fte", "is_active"]
        error_messages = {
            "full_name": {"required": "Enter the full name"},
            "email": {
                "required": "Enter the email address",
                "unique": "A staff member with this email address already exists",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            roles = self.instance.role_names
            self.initial["role"] = roles[0] if roles else None
            self.initial["left_on"] = self.instance.left_on
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
