"""Forms for raising and acting on escalations, rendered with GOV.UK patterns."""

from typing import Any, cast

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from core.forms import GovDateField, YesNoField, page_helper
from escalations import rules
from escalations.models import Area, AreaOfConcern, AreaOutcome, Escalation, Stage
from iro_service.models import User

MAX_AREAS = 5


def _today() -> dict[str, Any]:
    return {"on": timezone.localdate()}


class EscalationRaiseForm(forms.Form):
    """The escalation itself; its areas of concern come in `AreaFormSet`."""

    raised_on = GovDateField(what="the date the escalation was raised", label="Date raised")
    formal = YesNoField(
        label="Is this a formal escalation?",
        required_message="Select whether this is a formal escalation",
        help_text="Choose no if you are first raising it informally with the social worker "
        "or team manager. A formal escalation starts at stage 1 (team manager).",
    )
    summary = forms.CharField(
        label="Summary of the concern",
        widget=forms.Textarea,
        error_messages={"required": "Enter a summary of the concern"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"raised_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("raised_on"),
            Field.radios("formal", legend_size=Size.SMALL, inline=True),
            Field.textarea("summary", rows=4),
        )

    def clean_raised_on(self) -> Any:
        raised_on = self.cleaned_data["raised_on"]
        if raised_on > timezone.localdate():
            raise forms.ValidationError("The date raised must be today or in the past")
        return raised_on


class AreaForm(forms.Form):
    """One area of concern: which area, what is wrong and what must happen."""

    area = forms.ChoiceField(label="Area of concern", choices=[("", "Select")] + Area.choices)
    description = forms.CharField(label="What is the concern?", widget=forms.Textarea)
    action_required = forms.CharField(label="What action is required?", widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        self.number = number
        self.fields["area"].error_messages["required"] = f"Select area of concern {number}"
        self.fields["description"].error_messages["required"] = f"Describe area of concern {number}"
        self.fields["action_required"].error_messages["required"] = (
            f"Enter the action required for area of concern {number}"
        )
        self.helper = page_helper(
            Field.select("area"),
            Field.textarea("description", rows=3),
            Field.textarea("action_required", rows=3),
        )


class BaseAreaFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and f.cleaned_data]
        if not filled:
            raise forms.ValidationError("Add at least one area of concern")

    def filled(self) -> list[dict[str, str]]:
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


AreaFormSet = forms.formset_factory(
    AreaForm, formset=BaseAreaFormSet, extra=3, max_num=MAX_AREAS, validate_max=True
)


class VersionedForm(forms.Form):
    """A change to an escalation; `version` catches acting on something already changed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", escalation.version)
        super().__init__(*args, **kwargs)
        self.escalation = escalation


class ResponseForm(VersionedForm):
    on = GovDateField(what="the date of the response", label="Date of the response")
    responder_name = forms.CharField(
        label="Who responded?",
        max_length=150,
        error_messages={"required": "Enter the name of the person who responded"},
    )
    responder_role = forms.CharField(
        label="Their role",
        max_length=150,
        help_text="For example, team manager",
        error_messages={"required": "Enter the role of the person who responded"},
    )
    text = forms.CharField(
        label="What did they say?",
        widget=forms.Textarea,
        error_messages={"required": "Enter what the response said"},
    )

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _today())
        super().__init__(*args, escalation=escalation, **kwargs)
        self.helper = page_helper(
            "version",
            Field("on"),
            Field.text("responder_name", field_width=20),
            Field.text("responder_role", field_width=20),
            Field.textarea("text", rows=5),
        )


class MoveForm(VersionedForm):
    stage = forms.CharField(widget=forms.HiddenInput)
    to_stage = forms.ChoiceField(
        label="Escalate to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage to escalate to"},
    )
    on = GovDateField(what="the date escalated", label="Date escalated")
    reason = forms.CharField(
        label="Reason (needed if you skip a stage)",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", _today())
        initial.setdefault("stage", escalation.stage)
        nxt = rules.next_stage(escalation.stage)
        if nxt:
            initial.setdefault("to_stage", nxt)
        super().__init__(*args, escalation=escalation, **kwargs)
        cast(forms.ChoiceField, self.fields["to_stage"]).choices = [
            (stage, Stage(stage).label) for stage in rules.allowed_moves(escalation.stage)
        ]
        self.helper = page_helper(
            "version",
            "stage",
            Field.radios("to_stage", legend_size=Size.SMALL),
            Field("on"),
            Field.textarea("reason", rows=3),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        stage, to_stage = data.get("stage"), data.get("to_stage")
        if (
            stage in rules.STAGE_ORDER
            and to_stage
            and rules.can_move(stage, to_stage)
            and rules.is_skip(stage, to_stage)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Enter the reason for skipping a stage")
        return data


class CloseForm(VersionedForm):
    """An outcome for each area of concern, the overall outcome and the date closed."""

    closed_on = GovDateField(what="the date the escalation closed", label="Date closed")
    outcome = forms.CharField(
        label="Overall outcome",
        widget=forms.Textarea,
        error_messages={"required": "Enter the overall outcome"},
    )

    def __init__(
        self, *args: Any, escalation: Escalation, areas: list[AreaOfConcern], **kwargs: Any
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("closed_on", timezone.localdate())
        for area in areas:
            initial.setdefault(f"outcome_{area.public_id.hex}", area.outcome)
            initial.setdefault(f"note_{area.public_id.hex}", area.outcome_note)
        super().__init__(*args, escalation=escalation, **kwargs)
        self.areas = areas
        layout: list[object] = ["version"]
        for number, area in enumerate(areas, start=1):
            key = area.public_id.hex
            self.fields[f"outcome_{key}"] = forms.ChoiceField(
                label=f"Outcome for area {number}: {area.area_label}",
                choices=AreaOutcome.choices,
                widget=forms.RadioSelect,
                help_text=area.description,
                error_messages={"required": f"Select the outcome for {area.area_label.lower()}"},
            )
            self.fields[f"note_{key}"] = forms.CharField(
                label=f"Note on {area.area_label.lower()} (optional)",
                widget=forms.Textarea,
                required=False,
            )
            layout += [
                Field.radios(f"outcome_{key}", legend_size=Size.SMALL, inline=True),
                Field.textarea(f"note_{key}", rows=2),
            ]
        layout += [Field.textarea("outcome", rows=4), Field("closed_on")]
        self.helper = page_helper(*layout)

    def area_outcomes(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            str(area.public_id): (
                data.get(f"outcome_{area.public_id.hex}", ""),
                data.get(f"note_{area.public_id.hex}", ""),
            )
            for area in self.areas
        }


class ReopenForm(VersionedForm):
    on = GovDateField(what="the date reopened", label="Date reopened")
    reason = forms.CharField(
        label="Why is the escalation being reopened?",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for reopening the escalation"},
    )

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _today())
        super().__init__(*args, escalation=escalation, **kwargs)
        self.helper = page_helper("version", Field("on"), Field.textarea("reason", rows=3))


class EscalationFilterForm(forms.Form):
    """Filters of the managers' list of open escalations; every field optional."""

    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage")] + Stage.choices
    )
    iro = forms.ModelChoiceField(
        label="IRO",
        queryset=User.objects.none(),
        required=False,
        empty_label="Any IRO",
        to_field_name="public_id",
    )
    area = forms.ChoiceField(
        label="Area of concern", required=False, choices=[("", "Any area")] + Area.choices
    )
    overdue = forms.BooleanField(label="Response overdue only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["iro"]).queryset = User.objects.iros().order_by(
            "full_name"
        )
