"""Forms for in-contact plans, contacts, advocacy referrals and Independent Visitors."""

from typing import Any, cast

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.db.models import Count, Q
from django.utils import timezone

from core.forms import GovDateField, page_helper
from reviews.models import (
    AdvocacyOutcome,
    ContactMethod,
    InContactPlan,
    IndependentVisitor,
    VisitorStatus,
)


def _today(kwargs: dict, field: str) -> None:
    kwargs.setdefault("initial", {field: timezone.localdate()})


class ContactPlanForm(forms.Form):
    """How the child and their IRO agreed to keep in touch."""

    agreed_on = GovDateField(what="the date the plan was agreed", label="Date agreed")
    methods = forms.MultipleChoiceField(
        label="How will you keep in touch?",
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select how you and the child will keep in touch",
            "invalid_choice": "Select how you will keep in touch from the list",
        },
    )
    every_weeks = forms.IntegerField(
        label="How often, in weeks?",
        help_text="For example, 6 for every six weeks",
        min_value=1,
        max_value=52,
        error_messages={
            "required": "Enter how often you will be in touch, in weeks",
            "invalid": "How often must be a whole number of weeks, like 6",
            "min_value": "How often must be at least 1 week",
            "max_value": "How often must be 52 weeks or fewer",
        },
    )
    childs_words = forms.CharField(
        label="In the child's own words (optional)",
        help_text="What the child said about how and when they want to hear from you",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args: Any, plan: InContactPlan | None = None, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {"agreed_on": timezone.localdate()}
            if plan is not None:
                kwargs["initial"].update(
                    methods=plan.methods,
                    every_weeks=plan.every_weeks,
                    childs_words=plan.childs_words,
                )
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("agreed_on"),
            Field.checkboxes("methods", legend_size=Size.SMALL, small=True),
            Field.text("every_weeks", field_width=3),
            Field.textarea("childs_words", rows=4),
            Submit("submit", "Save in-contact plan"),
        )


class ContactLogForm(forms.Form):
    """One contact between the IRO and the child."""

    contacted_on = GovDateField(what="the date of the contact", label="Date of contact")
    method = forms.ChoiceField(
        label="How were you in touch?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you were in touch"},
    )
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _today(kwargs, "contacted_on")
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("contacted_on"),
            Field.radios("method", legend_size=Size.SMALL, small=True),
            Field.textarea("note", rows=4),
            Submit("submit", "Log contact"),
        )


class AdvocacyReferralForm(forms.Form):
    referred_on = GovDateField(what="the date of the referral", label="Date referred")
    organisation = forms.CharField(
        label="Advocacy organisation",
        max_length=150,
        error_messages={"required": "Enter the advocacy organisation"},
    )
    reason = forms.CharField(
        label="Why is the child being referred?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the child is being referred"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _today(kwargs, "referred_on")
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("referred_on"),
            Field.text("organisation"),
            Field.textarea("reason", rows=4),
            Submit("submit", "Save referral"),
        )


class AdvocacyOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AdvocacyOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    outcome_on = GovDateField(
        what="the date of the outcome",
        label="Date of outcome",
        help_text="Leave blank while waiting for a response",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.radios("outcome", legend_size=Size.SMALL, small=True),
            Field("outcome_on"),
            Submit("submit", "Save outcome"),
        )


class VisitorForm(forms.Form):
    """A volunteer on the Independent Visitor register."""

    fields_saved = ("full_name", "status", "checks_on", "approved_on", "notes")

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the volunteer's full name"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=VisitorStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the volunteer's status"},
    )
    checks_on = GovDateField(
        what="the date of the DBS and reference checks",
        label="Date of DBS and reference checks (optional until active)",
        required=False,
    )
    approved_on = GovDateField(
        what="the date approved",
        label="Date approved by the panel (optional until active)",
        required=False,
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def saved(self) -> dict[str, Any]:
        """The volunteer's fields as entered."""
        return {f: self.cleaned_data[f] for f in self.fields_saved}

    def __init__(
        self, *args: Any, visitor: IndependentVisitor | None = None, **kwargs: Any
    ) -> None:
        if visitor is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(visitor, f) for f in self.fields_saved}
        kwargs.setdefault("initial", {"status": VisitorStatus.IN_RECRUITMENT})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.text("full_name"),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field("checks_on"),
            Field("approved_on"),
            Field.textarea("notes", rows=3),
            Submit("submit", "Save volunteer"),
        )


class IvReferForm(forms.Form):
    referred_on = GovDateField(what="the date of the referral", label="Date referred")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _today(kwargs, "referred_on")
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("referred_on"), Submit("submit", "Refer for an Independent Visitor")
        )


class VisitorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: IndependentVisitor) -> str:
        matched = getattr(obj, "current_matches", 0)
        approved = f"approved {obj.approved_on:%-d %B %Y}; " if obj.approved_on else ""
        plural = "es" if matched != 1 else ""
        return f"{obj.full_name} ({approved}{matched} current match{plural})"


class IvMatchForm(forms.Form):
    visitor = VisitorChoiceField(
        label="Independent Visitor",
        queryset=IndependentVisitor.objects.none(),
        empty_label="Select a volunteer",
        to_field_name="public_id",
        error_messages={
            "required": "Select the Independent Visitor",
            "invalid_choice": "Choose an active Independent Visitor",
        },
    )
    started_on = GovDateField(what="the date the match started", label="Match started on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _today(kwargs, "started_on")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["visitor"]).queryset = (
            IndependentVisitor.objects.filter(status=VisitorStatus.ACTIVE)
            .annotate(current_matches=Count("matches", filter=Q(matches__ended_on=None)))
            .order_by("full_name")
        )
        self.helper = page_helper(
            Field.select("visitor"), Field("started_on"), Submit("submit", "Save match")
        )


class IvMatchEndForm(forms.Form):
    ended_on = GovDateField(what="the date the match ended", label="Match ended on")
    end_reason = forms.CharField(
        label="Why did the match end?",
        max_length=150,
        help_text="For example, the young person turned 18, or the volunteer moved away",
        error_messages={"required": "Enter why the match ended"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _today(kwargs, "ended_on")
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("ended_on"),
            Field.text("end_reason"),
            Submit("submit", "End match", css_class="govuk-button--warning"),
        )
