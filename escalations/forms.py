"""Forms for raising and acting on escalations, rendered with GOV.UK patterns."""

from datetime import date
from typing import Any, cast

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.utils import timezone

from children.models import Child
from core.forms import BoundedTextField, GovDateField, VersionedForm, YesNoField, page_helper
from core.models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from escalations import rules
from escalations.models import (
    NAME_MAX_LENGTH,
    Area,
    AreaOfConcern,
    AreaOutcome,
    Escalation,
    Stage,
)
from escalations.services import AreaData
from iro_service.models import User

AREA_ROWS = 3
AREA_FIELDS = ("area", "description", "action_required")


def _today() -> dict[str, Any]:
    return {"on": timezone.localdate()}


def _not_before(field: forms.Field, day: date) -> None:
    """Refuse in the date box what the service would refuse: a day before `day`."""
    cast(GovDateField, field).earliest = day


def _add_addressee(form: forms.Form, *, legend: str, example: str) -> Fieldset:
    """The name and role of who the escalation is to, and their fieldset (Handbook 6.2)."""
    form.fields["addressed_to_name"] = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter the name of the person the escalation is to",
            "max_length": "The name of the person the escalation is to must be "
            f"{NAME_MAX_LENGTH} characters or less",
        },
    )
    form.fields["addressed_to_role"] = forms.CharField(
        label="Role",
        max_length=NAME_MAX_LENGTH,
        help_text=f"For example, {example}",
        error_messages={
            "required": "Enter the role of the person the escalation is to",
            "max_length": "The role of the person the escalation is to must be "
            f"{NAME_MAX_LENGTH} characters or less",
        },
    )
    return Fieldset(
        Field.text("addressed_to_name", field_width=20),
        Field.text("addressed_to_role", field_width=20),
        legend=legend,
        legend_size=Size.SMALL,
    )


def _area_name(row: int, field: str) -> str:
    # The names a formset gives, so posted data and the page's ids match the earlier page.
    return f"areas-{row}-{field}"


class EscalationRaiseForm(forms.Form):
    """The escalation and its areas of concern in one form, so one error summary links them all."""

    raised_on = GovDateField(
        what="the date the escalation was raised", label="Date raised", latest=timezone.localdate
    )
    formal = YesNoField(
        label="Is this a formal escalation?",
        required_message="Select whether this is a formal escalation",
        help_text="Choose no if you are first raising it informally with the social worker "
        "or team manager. A formal escalation starts at stage 1 (team manager).",
    )
    summary = BoundedTextField(
        what="the summary of the concern",
        max_length=NOTE_MAX_LENGTH,
        label="Summary of the concern",
        error_messages={"required": "Enter a summary of the concern"},
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"raised_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _not_before(self.fields["raised_on"], child.date_of_birth)
        layout: list[object] = [
            Field("raised_on"),
            Field.radios("formal", legend_size=Size.SMALL, inline=True),
            _add_addressee(self, legend="Who is the escalation to?", example="team manager"),
            Field.textarea("summary", rows=4),
            HTML(
                '<h2 class="govuk-heading-m">Areas of concern</h2><p class="govuk-body">Add at '
                "least one area of concern. Leave the rows you do not need empty.</p>"
            ),
        ]
        for row in range(AREA_ROWS):
            number = row + 1
            self.fields[_area_name(row, "area")] = forms.ChoiceField(
                label="Area of concern", choices=[("", "Select"), *Area.choices], required=False
            )
            self.fields[_area_name(row, "description")] = BoundedTextField(
                what=f"the concern in area of concern {number}",
                max_length=NOTE_MAX_LENGTH,
                label="What is the concern?",
                required=False,
            )
            self.fields[_area_name(row, "action_required")] = BoundedTextField(
                what=f"the action required for area of concern {number}",
                max_length=NOTE_MAX_LENGTH,
                label="What action is required?",
                required=False,
            )
            layout.append(
                Fieldset(
                    Field.select(_area_name(row, "area")),
                    Field.textarea(_area_name(row, "description"), rows=3),
                    Field.textarea(_area_name(row, "action_required"), rows=3),
                    legend=f"Area of concern {number}{' (optional)' if row else ''}",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = page_helper(*layout)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = 0
        for row in range(AREA_ROWS):
            number = row + 1
            names = {field: _area_name(row, field) for field in AREA_FIELDS}
            if any(name in self.errors for name in names.values()):
                filled += 1
                continue
            values = {field: data.get(name, "") for field, name in names.items()}
            if not any(values.values()):
                continue
            filled += 1
            missing = {
                "area": f"Select area of concern {number}",
                "description": f"Describe area of concern {number}",
                "action_required": f"Enter the action required for area of concern {number}",
            }
            for field, message in missing.items():
                if not values[field]:
                    self.add_error(names[field], message)
        if not filled:
            self.add_error(_area_name(0, "area"), "Add at least one area of concern")
        return data

    def escalation(self) -> dict[str, Any]:
        """The escalation's own fields, as the raising service takes them."""
        names = ("raised_on", "formal", "summary", "addressed_to_name", "addressed_to_role")
        return {name: self.cleaned_data[name] for name in names}

    def areas(self) -> list[AreaData]:
        """The rows filled in, in order."""
        rows = []
        for row in range(AREA_ROWS):
            values = {
                field: self.cleaned_data.get(_area_name(row, field), "") for field in AREA_FIELDS
            }
            if any(values.values()):
                rows.append(AreaData(**values))
        return rows


class EscalationChangeForm(VersionedForm):
    """A change to an escalation, carrying the version it was opened at."""

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", escalation.version)
        super().__init__(*args, **kwargs)
        self.escalation = escalation
        # Sent from a page opened before someone else's change: checked against the
        # escalation as it is now, it would fail on their change, not be told of it.
        self.stale = self.is_bound and self.data.get("version") != str(escalation.version)

    def not_before(self, name: str, day: date) -> None:
        """Refuse in the date box a day the service would refuse, unless the page is stale."""
        if not self.stale:
            _not_before(self.fields[name], day)


class ResponseForm(EscalationChangeForm):
    on = GovDateField(
        what="the date of the response", label="Date of the response", latest=timezone.localdate
    )
    responder_name = forms.CharField(
        label="Who responded?",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter the name of the person who responded",
            "max_length": f"The name of the person who responded must be {NAME_MAX_LENGTH} characters or less",
        },
    )
    responder_role = forms.CharField(
        label="Their role",
        max_length=NAME_MAX_LENGTH,
        help_text="For example, team manager",
        error_messages={
            "required": "Enter the role of the person who responded",
            "max_length": f"Their role must be {NAME_MAX_LENGTH} characters or less",
        },
    )
    text = BoundedTextField(
        what="what the response said",
        max_length=NOTE_MAX_LENGTH,
        label="What did they say?",
        error_messages={"required": "Enter what the response said"},
    )

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        # Most often the person the stage is to answers it.
        kwargs.setdefault(
            "initial",
            _today()
            | {
                "responder_name": escalation.addressed_to_name,
                "responder_role": escalation.addressed_to_role,
            },
        )
        super().__init__(*args, escalation=escalation, **kwargs)
        self.not_before("on", escalation.stage_started_on)
        self.helper = page_helper(
            "version",
            Field("on"),
            Field.text("responder_name", field_width=20),
            Field.text("responder_role", field_width=20),
            Field.textarea("text", rows=5),
        )


class MoveForm(EscalationChangeForm):
    stage = forms.CharField(widget=forms.HiddenInput, max_length=20)
    to_stage = forms.ChoiceField(
        label="Escalate to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage to escalate to"},
    )
    on = GovDateField(what="the date escalated", label="Date escalated", latest=timezone.localdate)
    reason = BoundedTextField(
        what="the reason",
        max_length=REASON_MAX_LENGTH,
        label="Reason (needed if you skip a stage)",
        required=False,
    )

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", _today())
        initial.setdefault("stage", escalation.stage)
        nxt = rules.next_stage(escalation.stage)
        if nxt:
            initial.setdefault("to_stage", nxt)
        super().__init__(*args, escalation=escalation, **kwargs)
        self.not_before("on", escalation.stage_started_on)
        shown = self.data.get("stage") if self.stale else escalation.stage
        if shown not in rules.STAGE_ORDER:
            shown = escalation.stage
        cast(forms.ChoiceField, self.fields["to_stage"]).choices = [
            (stage, Stage(stage).label) for stage in rules.allowed_moves(shown)
        ]
        self.helper = page_helper(
            "version",
            "stage",
            Field.radios("to_stage", legend_size=Size.SMALL),
            _add_addressee(
                self, legend="Who is it to at the new stage?", example="service manager"
            ),
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


class CloseForm(EscalationChangeForm):
    """An outcome for each area of concern, the overall outcome and the date closed."""

    closed_on = GovDateField(
        what="the date the escalation closed", label="Date closed", latest=timezone.localdate
    )
    outcome = BoundedTextField(
        what="the overall outcome",
        max_length=NOTE_MAX_LENGTH,
        label="Overall outcome",
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
        self.not_before("closed_on", escalation.raised_on)
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
            self.fields[f"note_{key}"] = BoundedTextField(
                what=f"the note on {area.area_label.lower()}",
                max_length=NOTE_MAX_LENGTH,
                label=f"Note on {area.area_label.lower()} (optional)",
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


class ReopenForm(EscalationChangeForm):
    on = GovDateField(what="the date reopened", label="Date reopened", latest=timezone.localdate)
    reason = BoundedTextField(
        what="the reason for reopening the escalation",
        max_length=REASON_MAX_LENGTH,
        label="Why is the escalation being reopened?",
        error_messages={"required": "Enter the reason for reopening the escalation"},
    )

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _today())
        super().__init__(*args, escalation=escalation, **kwargs)
        self.not_before("on", escalation.closed_on or escalation.raised_on)
        self.helper = page_helper("version", Field("on"), Field.textarea("reason", rows=3))


class EscalationFilterForm(forms.Form):
    """Filters of the managers' list of open escalations; every field optional."""

    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *Stage.choices]
    )
    raised_by = forms.ModelChoiceField(
        label="Raised by",
        queryset=User.objects.none(),
        required=False,
        empty_label="Any IRO",
        to_field_name="public_id",
    )
    area = forms.ChoiceField(
        label="Area of concern", required=False, choices=[("", "Any area"), *Area.choices]
    )
    overdue = forms.BooleanField(label="Response overdue only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["raised_by"]
        ).queryset = User.objects.iros().order_by("full_name")
