from django import forms

from core.forms import page_helper


class AlertSettingsForm(forms.Form):
    daily_digest = forms.BooleanField(
        label="Email me a daily digest of my alerts",
        required=False,
        help_text="Sent on working days at 7:30am. It names children by their reference "
        "only, never by name, and links to each alert here.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = page_helper("daily_digest")
