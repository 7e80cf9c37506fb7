"""Forms of the annual report: building an edition, the narrative, complaints."""

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size, Submit
from django import forms
from django.utils import timezone

from core.forms import BoundedTextField, GovDateField, page_helper
from core.models import NOTE_MAX_LENGTH
from reporting.models import (
    NARRATIVE_MAX_LENGTH,
    Complaint,
    ComplaintFrom,
    ComplaintOutcome,
    ComplaintStage,
    Narrative,
)
from reporting.rules import ReportingYear
from reporting.services import PRIORITY_FIELDS
from reporting.suppression import threshold_setting

YEARS_OFFERED = 10
PRIORITY_LABELS = {
    "area": "Priority area",
    "measurement": "Measurement and progress",
    "impact": "Intended impact for children and families",
    "action": "Further action",
}
BLANK_PRIORITY_ROWS = 2


def year_choices() -> list[tuple[str, str]]:
    """The last complete reporting year first, then the nine before it, and the year so far."""
    latest = ReportingYear.last_complete(timezone.localdate())
    current = latest.first + 1
    years = [
        ReportingYear(current),
        *[ReportingYear(latest.first - n) for n in range(YEARS_OFFERED)],
    ]
    return [
        (year.label, f"{year.label} (so far)" if year.first == current else year.label)
        for year in years
    ]


class BuildForm(forms.Form):
    """Which year to build, and whether the edition is for publishing."""

    year = forms.ChoiceField(
        label="Reporting year (1 April to 31 March)",
        error_messages={
            "required": "Select the reporting year",
            "invalid_choice": "Select a reporting year from the list",
        },
    )
    publishable = forms.BooleanField(
        label="For publishing: show small numbers as c",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["year"].initial = ReportingYear.last_complete(timezone.localdate()).label
        self.fields["publishable"].help_text = (
            f"Counts of 1 to {threshold_setting()} children are hidden, and so is any count that "
            "would let one be worked out from a total."
        )
        self.helper = page_helper(
            Field.select("year"),
            Field.checkbox("publishable", small=True),
            Submit("build", "Build the report"),
        )

    @property
    def reporting_year(self) -> ReportingYear:
        return ReportingYear.from_label(self.cleaned_data["year"])


def _narrative_text(label: str, hint: str) -> BoundedTextField:
    return BoundedTextField(
        what=f"the {label.lower()}",
        max_length=NARRATIVE_MAX_LENGTH,
        rows=10,
        label=label,
        help_text=hint,
        required=False,
    )


class NarrativeForm(forms.Form):
    """The sections managers write; priorities are rows of the action plan table."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    introduction = _narrative_text(
        "Introduction",
        "The purpose of the report and the year in brief. Leave a blank line between paragraphs.",
    )
    achievements = _narrative_text("Other achievements", "What the service achieved this year.")
    next_steps = _narrative_text("Next steps", "What the service will do next year.")

    def __init__(self, *args: Any, narrative: Narrative | None = None, **kwargs: Any) -> None:
        rows = list(narrative.priorities) if narrative else []
        initial: dict[str, Any] = {"version": narrative.version if narrative else None}
        if narrative:
            initial |= {
                f: getattr(narrative, f) for f in ("introduction", "achievements", "next_steps")
            }
        for n, row in enumerate(rows):
            initial |= {f"priority_{n}_{key}": row.get(key, "") for key in PRIORITY_FIELDS}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.priority_rows = len(rows) + BLANK_PRIORITY_ROWS
        fieldsets = []
        for n in range(self.priority_rows):
            names = []
            for key in PRIORITY_FIELDS:
                name = f"priority_{n}_{key}"
                self.fields[name] = BoundedTextField(
                    what=f"the {PRIORITY_LABELS[key].lower()} of priority {n + 1}",
                    max_length=NOTE_MAX_LENGTH,
                    rows=2,
                    label=PRIORITY_LABELS[key],
                    required=False,
                )
                names.append(Field.textarea(name, rows=2))
            fieldsets.append(Fieldset(*names, legend=f"Priority {n + 1}", legend_size=Size.SMALL))
        self.helper = page_helper(
            Field.textarea("introduction", rows=10),
            Field.textarea("achievements", rows=8),
            Field.textarea("next_steps", rows=8),
            Fieldset(*fieldsets, legend="Priorities action plan", legend_size=Size.MEDIUM),
            Submit("save", "Save the narrative"),
        )

    def saved(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "introduction": data["introduction"],
            "achievements": data["achievements"],
            "next_steps": data["next_steps"],
            "priorities": [
                {key: data[f"priority_{n}_{key}"] for key in PRIORITY_FIELDS}
                for n in range(self.priority_rows)
            ],
        }


class ComplaintForm(forms.Form):
    """A statutory complaint about the IRO service: no child is named in it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    received_on = GovDateField(
        what="the date received", label="Date received", latest=timezone.localdate
    )
    complainant = forms.ChoiceField(
        label="Who complained",
        choices=ComplaintFrom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who complained"},
    )
    about = BoundedTextField(
        what="what it was about",
        max_length=NOTE_MAX_LENGTH,
        rows=4,
        label="What it was about",
        help_text="Do not write a child's name here: the complaint is counted in the annual report.",
        error_messages={"required": "Enter what the complaint was about"},
    )
    stage = forms.ChoiceField(
        label="Stage reached",
        choices=ComplaintStage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage the complaint reached"},
    )
    outcome = forms.ChoiceField(
        label="Outcome (optional until it is closed)",
        choices=[("", "Not decided yet"), *ComplaintOutcome.choices],
        required=False,
    )
    closed_on = GovDateField(
        what="the date closed",
        label="Date closed (optional)",
        latest=timezone.localdate,
        required=False,
    )
    lessons = BoundedTextField(
        what="the lessons learnt",
        max_length=NOTE_MAX_LENGTH,
        rows=3,
        label="Lessons learnt (optional)",
        required=False,
    )
    fields_saved = (
        "received_on",
        "complainant",
        "about",
        "stage",
        "outcome",
        "closed_on",
        "lessons",
    )

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        if complaint is not None:
            kwargs.setdefault(
                "initial",
                {
                    "version": complaint.version,
                    **{f: getattr(complaint, f) for f in self.fields_saved},
                },
            )
        else:
            kwargs.setdefault("initial", {"stage": ComplaintStage.STAGE_1})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("received_on"),
            Field.radios("complainant", legend_size=Size.SMALL, small=True),
            Field.textarea("about", rows=4),
            Field.radios("stage", legend_size=Size.SMALL, small=True),
            Field.select("outcome"),
            Field("closed_on"),
            Field.textarea("lessons", rows=3),
            Submit("save", "Save the complaint"),
        )

    def saved(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.fields_saved}
