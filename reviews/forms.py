"""Forms for scheduling, recording and finalising reviews, and for oversight notes."""

from datetime import datetime, time
from typing import Any, cast

from crispy_forms_gds.layout import Field, Fieldset, Size, Submit
from django import forms
from django.utils import timezone

from children.models import Child
from core.forms import GovDateField, page_helper
from reviews.models import (
    Chair,
    ConsultationBand,
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
from reviews.models.review import MONITORING_QUESTIONS

YES_NO = [("true", "Yes"), ("false", "No")]


def _radios(choices: list, message: str, label: str, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": message},
    )


class ScheduleForm(forms.Form):
    """When and how a review will take place."""

    date = GovDateField(what="the date of the review", label="Date of the review")
    start_time = forms.TimeField(
        label="Start time",
        help_text="For example, 10:30 or 14:00",
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
    venue = forms.CharField(label="Venue or link (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.radios("format", legend_size=Size.SMALL, inline=True),
            Field.text("venue"),
            Submit("submit", "Schedule review"),
        )

    @property
    def scheduled_for(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["date"], data["start_time"] or time(10)))


class RearrangeForm(ScheduleForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the review being rearranged?",
        max_length=300,
        error_messages={"required": "Enter why the review is being rearranged"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("format")
        self.fields.pop("venue")
        self.helper = page_helper(
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.text("reason"),
            "version",
            Submit("submit", "Rearrange review"),
        )


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the review cancelled?",
        max_length=300,
        error_messages={"required": "Enter why the review is cancelled"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.text("reason"),
            "version",
            Submit("submit", "Cancel review", css_class="govuk-button--warning"),
        )


class RecordForm(forms.Form):
    """The IRO's record of a review held; saved as a draft until finalised."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = GovDateField(what="the date the review was held", label="Date held")
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
    other_attendees = forms.CharField(
        label="Others who attended (optional)", max_length=300, required=False
    )
    consultation_papers = _radios(
        ConsultationBand.choices,
        "Select the consultation papers used",
        "Consultation papers used",
        required=False,
    )
    summary = forms.CharField(
        label="Summary of the review (optional)", widget=forms.Textarea, required=False
    )
    late_reason = forms.ChoiceField(
        label="If the review was late, why? (optional)",
        required=False,
        choices=[("", "Not late")] + LateReason.choices,
    )
    late_reason_detail = forms.CharField(
        label="More about why it was late (optional)", max_length=300, required=False
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(review)
        super().__init__(*args, **kwargs)
        for key, question in MONITORING_QUESTIONS.items():
            self.fields[f"m_{key}"] = forms.ChoiceField(
                label=question,
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


class FinaliseForm(forms.Form):
    """Finalise the record and set the RAG rating that decides the oversight until the next review."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label="RAG rating",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a RAG rating"},
        choices=[
            (
                Rating.RED,
                "Red: time-critical parts of the plan drifting or significant safeguarding issues (follow up within 4 weeks)",
            ),
            (Rating.AMBER, "Amber: emerging drift or delay (interim check 5 to 8 weeks from now)"),
            (Rating.GREEN, "Green: the plan is progressing (mid-way review between reviews)"),
        ],
    )
    rating_reason = forms.CharField(
        label="Why this rating? (optional)", widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            "version",
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.textarea("rating_reason", rows=3),
            Submit("submit", "Finalise review"),
        )


class PreMeetingForm(forms.Form):
    done_on = GovDateField(
        what="the date of the pre-meeting oversight",
        label="Date of the IRO's pre-meeting oversight",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("done_on"), Submit("submit", "Record pre-meeting oversight")
        )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision or recommendation",
        widget=forms.Textarea,
        error_messages={"required": "Enter the decision or recommendation"},
    )
    owner = forms.CharField(
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


class DecisionStatusForm(forms.Form):
    status = _radios(DecisionStatus.choices, "Select the status", "Status")
    completed_on = GovDateField(
        what="the date it was done", label="Date done (if done)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field("completed_on"),
            Submit("submit", "Update decision"),
        )


class RagFollowUpField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RagRating) -> str:
        return (
            f"{obj.get_rating_display()} rating of {obj.set_on:%-d %B %Y}: follow up between "
            f"{obj.follow_up_from:%-d %B %Y} and {obj.follow_up_due:%-d %B %Y}"
        )


class OversightNoteForm(forms.Form):
    noted_on = GovDateField(what="the date of the oversight", label="Date")
    kind = _radios(OversightKind.choices, "Select the kind of oversight", "Kind of oversight")
    text = forms.CharField(
        label="Note", widget=forms.Textarea, error_messages={"required": "Enter the note"}
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
        pending = RagRating.objects.filter(child=child, followed_up_on=None).order_by("-set_on")[:3]
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
