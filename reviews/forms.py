"""Forms for scheduling, recording and finalising reviews, and for oversight notes."""

import datetime as dt
from datetime import date, datetime, time
from typing import Any, cast

from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Size, Submit
from django import forms
from django.utils import timezone
from django.utils.html import escape

from children.models import Child
from core.dates import long_date
from core.forms import BoundedTextField, GovDateField, VersionedForm, page_helper
from core.models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from reviews import rules
from reviews.models import (
    Chair,
    ConsultationBand,
    Decision,
    DecisionStatus,
    LateReason,
    OversightKind,
    Participation,
    RagRating,
    Rating,
    Review,
    ReviewFormat,
    YesNoNA,
)
from reviews.models.review import DECISION_MAX_LENGTH, MONITORING_QUESTIONS
from reviews.selectors import CASELOAD_TIMINGS, CaseloadFilters

YES_NO = [("true", "Yes"), ("false", "No")]
SHORT_TEXT_MAX_LENGTH = 300


def _furthest_schedulable() -> date:
    return rules.furthest_schedulable(timezone.localdate())


def _line(*, what: str, label: str, max_length: int, **kwargs: Any) -> BoundedTextField:
    """A one-line text input whose length error names what it holds."""
    return BoundedTextField(
        what=what, label=label, max_length=max_length, widget=forms.TextInput, **kwargs
    )


def _radios(choices: list, message: str, label: str, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": message},
    )


LATE_FIELDS = ("late_schedule_reason", "confirm_late_schedule")
LATE_REASON_REQUIRED = "Enter why the review is booked for this date"
LATE_CONFIRM_REQUIRED = "Confirm the review is to be booked for this date"


class ScheduleForm(forms.Form):
    """When and how a review will take place; a date after it is due, or in the past, is only
    taken with a reason and a confirmation (the GOV.UK warning, then the question)."""

    date = GovDateField(
        what="the date of the review", label="Date of the review", latest=_furthest_schedulable
    )
    start_time = forms.TimeField(
        label="Start time",
        help_text="For example, 10:30 or 14:00",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the start time like 10:30",
        },
    )
    format = _radios(
        ReviewFormat.choices,
        "Select how the review will take place",
        "How will the review take place?",
    )
    venue = _line(
        what="the venue or link", label="Venue or link (optional)", max_length=200, required=False
    )
    late_schedule_reason = _line(
        what="the reason",
        label="Why is the review being booked for this date?",
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        help_text="For example, the child's mother cannot come before then",
    )
    confirm_late_schedule = forms.BooleanField(
        label="I confirm the review is to be booked for this date", required=False
    )
    submit_label = "Schedule review"

    def __init__(self, *args: Any, due: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.due = due
        self.warning = ""
        self.helper = self.build_helper()

    def when_fields(self) -> list[Any]:
        return [
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.radios("format", legend_size=Size.SMALL, inline=True),
            Field.text("venue"),
        ]

    def build_helper(self, *, asking_why: bool = False) -> Any:
        late: list[Any] = []
        if asking_why or self.warning:
            late = [
                HTML.warning(escape(self.warning or "This review is booked after it is due")),
                Field.text("late_schedule_reason"),
                Field.checkbox("confirm_late_schedule"),
            ]
        return page_helper(*self.when_fields(), *late, Submit("submit", self.submit_label))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("date")
        if day is not None:
            self.warning = rules.schedule_warning(day=day, due=self.due, today=timezone.localdate())
        if self.warning:
            if not (data.get("late_schedule_reason") or "").strip():
                self.add_error("late_schedule_reason", LATE_REASON_REQUIRED)
            if not data.get("confirm_late_schedule"):
                self.add_error("confirm_late_schedule", LATE_CONFIRM_REQUIRED)
            self.helper = self.build_helper()
        return data

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field in LATE_FIELDS:  # the service can ask why too: show the question
            self.helper = self.build_helper(asking_why=True)

    @property
    def scheduled_for(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["date"], data["start_time"] or time(10)))

    @property
    def late_schedule_reason_given(self) -> str:
        return self.cleaned_data.get("late_schedule_reason", "") if self.warning else ""


class RearrangeForm(VersionedForm, ScheduleForm):
    """A new date and time for a review not yet held, and why it moved."""

    reason = _line(
        what="the reason",
        label="Why is the review being rearranged?",
        max_length=SHORT_TEXT_MAX_LENGTH,
        error_messages={"required": "Enter why the review is being rearranged"},
    )
    submit_label = "Rearrange review"

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": review.version})
        super().__init__(*args, due=review.due_date, **kwargs)
        self.fields.pop("format")
        self.fields.pop("venue")
        self.helper = self.build_helper()

    def when_fields(self) -> list[Any]:
        return [
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.text("reason"),
            "version",
        ]


class CancelForm(VersionedForm):
    reason = _line(
        what="the reason",
        label="Why is the review cancelled?",
        max_length=SHORT_TEXT_MAX_LENGTH,
        error_messages={"required": "Enter why the review is cancelled"},
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": review.version})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.text("reason"),
            "version",
            Submit("submit", "Cancel review", css_class="govuk-button--warning"),
        )


class RecordForm(VersionedForm):
    """The IRO's record of a review held; saved as a draft until finalised."""

    held_on = GovDateField(
        what="the date the review was held", label="Date held", latest=timezone.localdate
    )
    format = _radios(
        ReviewFormat.choices, "Select how the review took place", "How did the review take place?"
    )
    chair = _radios(Chair.choices, "Select who chaired the review", "Who chaired the review?")
    participation = forms.ChoiceField(
        label="How did the child take part?",
        choices=Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the child took part"},
    )
    parents_view = _radios(
        YesNoNA.choices,
        "Select whether a parent gave a meaningful view",
        "Did a parent give a meaningful view?",
    )
    parents_one_to_one = _radios(
        YesNoNA.choices,
        "Select whether a parent had a one-to-one with the IRO",
        "Did a parent have a one-to-one with the IRO before the review?",
    )
    sw_report_available = forms.TypedChoiceField(
        label="Was the social worker's report available?",
        choices=YES_NO,
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the social worker's report was available"},
    )
    attendees = forms.MultipleChoiceField(
        label="Who else attended? (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("carer", "Carer"), ("iv", "Independent Visitor"), ("advocate", "Advocate")],
    )
    other_attendees = _line(
        what="others who attended",
        label="Others who attended (optional)",
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
    )
    consultation_papers = _radios(
        ConsultationBand.choices,
        "Select the consultation papers used",
        "Consultation papers used",
        required=False,
    )
    summary = BoundedTextField(
        what="the summary",
        label="Summary of the review (optional)",
        max_length=NOTE_MAX_LENGTH,
        required=False,
    )
    late_reason = forms.ChoiceField(
        label="If the review was late, why? (optional)",
        required=False,
        choices=[("", "Not late"), *LateReason.choices],
    )
    late_reason_detail = _line(
        what="more about why it was late",
        label="More about why it was late (optional)",
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(review)
        super().__init__(*args, **kwargs)
        for key, question in MONITORING_QUESTIONS.items():
            self.fields[f"m_{key}"] = forms.ChoiceField(
                label=question,
                help_text=rules.monitoring_ages_hint(key),
                choices=YesNoNA.choices,
                widget=forms.RadioSelect,
                required=False,
            )
        self.helper = page_helper(
            "version",
            Fieldset(
                Field("held_on"),
                Field.radios("format", legend_size=Size.SMALL, inline=True),
                Field.radios("chair", legend_size=Size.SMALL),
                legend="The review",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("participation", legend_size=Size.SMALL, small=True),
                Field.radios("parents_view", legend_size=Size.SMALL, inline=True),
                Field.radios("parents_one_to_one", legend_size=Size.SMALL, inline=True),
                Field.radios("sw_report_available", legend_size=Size.SMALL, inline=True),
                Field.checkboxes("attendees", legend_size=Size.SMALL, small=True),
                Field.text("other_attendees"),
                Field.radios("consultation_papers", legend_size=Size.SMALL, small=True),
                legend="Participation",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *[
                    Field.radios(f"m_{key}", legend_size=Size.SMALL, inline=True, small=True)
                    for key in MONITORING_QUESTIONS
                ],
                legend="Monitoring",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("summary", rows=6),
                Field.select("late_reason"),
                Field.text("late_reason_detail"),
                legend="Summary",
                legend_size=Size.MEDIUM,
            ),
            Submit("submit", "Save draft record"),
        )

    @staticmethod
    def initial_from(review: Review) -> dict:
        initial = {
            "version": review.version,
            "held_on": review.held_on,
            "format": review.format,
            "chair": review.chair,
            "participation": review.participation,
            "parents_view": review.parents_view,
            "parents_one_to_one": review.parents_one_to_one,
            "sw_report_available": {True: "true", False: "false", None: None}[
                review.sw_report_available
            ],
            "attendees": [
                k
                for k, flag in (
                    ("carer", review.carer_attended),
                    ("iv", review.iv_attended),
                    ("advocate", review.advocate_attended),
                )
                if flag
            ],
            "other_attendees": review.other_attendees,
            "consultation_papers": review.consultation_papers,
            "summary": review.summary,
            "late_reason": review.late_reason,
            "late_reason_detail": review.late_reason_detail,
        }
        initial.update({f"m_{k}": v for k, v in review.monitoring.items()})
        return initial

    def record_data(self) -> dict:
        data = self.cleaned_data
        attendees = set(data["attendees"])
        return {
            "held_on": data["held_on"],
            "format": data["format"],
            "chair": data["chair"],
            "participation": data["participation"],
            "parents_view": data["parents_view"],
            "parents_one_to_one": data["parents_one_to_one"],
            "sw_report_available": data["sw_report_available"],
            "carer_attended": "carer" in attendees,
            "iv_attended": "iv" in attendees,
            "advocate_attended": "advocate" in attendees,
            "other_attendees": data["other_attendees"],
            "consultation_papers": data["consultation_papers"],
            "summary": data["summary"],
            "late_reason": data["late_reason"],
            "late_reason_detail": data["late_reason_detail"],
            "monitoring": {k: data[f"m_{k}"] for k in MONITORING_QUESTIONS if data.get(f"m_{k}")},
        }


class FinaliseForm(VersionedForm):
    """Finalise the record and set the RAG rating that decides the oversight until the next review."""

    rating = forms.ChoiceField(
        label="RAG rating",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a RAG rating",
            "invalid_choice": "Select a RAG rating: red, amber or green",
        },
        choices=[
            (
                Rating.RED,
                "Red: time-critical parts of the plan drifting or significant safeguarding issues "
                "(follow up within 4 weeks of the review meeting)",
            ),
            (
                Rating.AMBER,
                "Amber: emerging drift or delay (interim check 5 to 8 weeks after the review "
                "meeting)",
            ),
            (Rating.GREEN, "Green: the plan is progressing (mid-way review between reviews)"),
        ],
    )
    rating_reason = BoundedTextField(
        what="why this rating",
        label="Why this rating? (optional)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        rows=3,
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": review.version})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            "version",
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.textarea("rating_reason", rows=3),
            Submit("submit", "Finalise review"),
        )


class PreMeetingForm(VersionedForm):
    done_on = GovDateField(
        what="the date of the pre-meeting oversight",
        label="Date of the IRO's pre-meeting oversight",
        latest=timezone.localdate,
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": review.version,
                "done_on": review.pre_meeting_done_on or timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            "version", Field("done_on"), Submit("submit", "Record pre-meeting oversight")
        )


class DecisionForm(forms.Form):
    text = BoundedTextField(
        what="the decision or recommendation",
        label="Decision or recommendation",
        max_length=DECISION_MAX_LENGTH,
        rows=3,
        error_messages={"required": "Enter the decision or recommendation"},
    )
    owner = _line(
        what="who will do it",
        label="Who will do it?",
        max_length=150,
        help_text="For example, social worker, foster carer, IRO",
        error_messages={"required": "Enter who will do it"},
    )
    due_date = GovDateField(what="the date it must be done by", label="To be done by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.textarea("text", rows=3),
            Field.text("owner", field_width=20),
            Field("due_date"),
            Submit("submit", "Add decision"),
        )


class DecisionStatusForm(VersionedForm):
    status = _radios(DecisionStatus.choices, "Select the status", "Status")
    completed_on = GovDateField(
        what="the date it was done",
        label="Date done (if done)",
        required=False,
        latest=timezone.localdate,
    )

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": decision.version,
                "status": decision.status,
                "completed_on": decision.completed_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            "version",
            Field.radios("status", legend_size=Size.SMALL),
            Field("completed_on"),
            Submit("submit", "Update decision"),
        )


class RagFollowUpField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RagRating) -> str:
        return (
            f"{obj.get_rating_display()} rating of {long_date(obj.set_on)}: follow up between "
            f"{long_date(obj.follow_up_from)} and {long_date(obj.follow_up_due)}"
        )


class OversightNoteForm(forms.Form):
    noted_on = GovDateField(
        what="the date of the oversight", label="Date", latest=timezone.localdate
    )
    kind = _radios(OversightKind.choices, "Select the kind of oversight", "Kind of oversight")
    text = BoundedTextField(
        what="the note",
        label="Note",
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Enter the note"},
    )
    follow_up_of = RagFollowUpField(
        label="Is this the follow-up a RAG rating asked for? (optional)",
        queryset=RagRating.objects.none(),
        required=False,
        empty_label="No",
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"noted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        pending = RagRating.objects.filter(
            child=child, followed_up_on=None, follow_up_ended_on=None
        ).order_by("-set_on")[:3]
        cast(RagFollowUpField, self.fields["follow_up_of"]).queryset = RagRating.objects.filter(
            pk__in=[r.pk for r in pending]
        )
        self.helper = page_helper(
            Field("noted_on"),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.textarea("text", rows=5),
            Field.select("follow_up_of"),
            Submit("submit", "Save oversight note"),
        )


CASELOAD_RAG_CHOICES = [
    ("", "Any rating"),
    (Rating.RED, "Red"),
    (Rating.AMBER, "Amber"),
    (Rating.GREEN, "Green"),
    ("none", "Not rated yet"),
]
DUE_UNITS = {"days": 1, "weeks": 7}
TIMING_CHOICES = [("", "Any"), *CASELOAD_TIMINGS.items()]
DUE_WITHIN_MAX = 366


class CaseloadFilterForm(forms.Form):
    """Search and filter the IRO's own caseload (a GET form above the table)."""

    q = _line(
        what="the name or reference", label="Name or reference", max_length=100, required=False
    )
    rag = forms.ChoiceField(label="RAG rating", choices=CASELOAD_RAG_CHOICES, required=False)
    due_within = forms.IntegerField(
        label="Due within, or overdue",
        required=False,
        min_value=0,
        max_value=DUE_WITHIN_MAX,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Due within must be a whole number, like 14",
            "min_value": "Due within must be 0 or more",
            "max_value": f"Due within must be {DUE_WITHIN_MAX} or fewer",
        },
    )
    due_unit = forms.ChoiceField(
        label="Days or weeks", choices=[(u, u.capitalize()) for u in DUE_UNITS], required=False
    )
    scheduled_after_due = forms.BooleanField(
        label="Only reviews scheduled after their due date", required=False
    )
    timing = forms.ChoiceField(label="Next review", choices=TIMING_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        column = "govuk-grid-column-one-quarter"
        self.helper = page_helper(
            Fieldset(
                Div(
                    Div(Field.text("q"), css_class="govuk-grid-column-one-half"),
                    Div(Field.select("rag"), css_class=column),
                    Div(Field.select("timing"), css_class=column),
                    css_class="govuk-grid-row",
                ),
                Div(
                    Div(
                        Field.text("due_within", field_width=3),
                        css_class="govuk-grid-column-one-third",
                    ),
                    Div(Field.select("due_unit"), css_class=column),
                    Div(
                        Field.checkbox("scheduled_after_due", small=True),
                        css_class="govuk-grid-column-one-third app-filter__actions",
                    ),
                    css_class="govuk-grid-row",
                ),
                legend="Search and filter",
                legend_size=Size.SMALL,
            ),
        )

    def filters(self) -> CaseloadFilters:
        """The valid filters asked for; a box with a mistake filters nothing and says why."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        within = data.get("due_within")
        return CaseloadFilters(
            text=(data.get("q") or "").strip(),
            rag=data.get("rag") or "",
            due_within_days=None
            if within is None
            else within * DUE_UNITS.get(data.get("due_unit") or "days", 1),
            scheduled_after_due=bool(data.get("scheduled_after_due")),
            timing=data.get("timing") or "",
        )
