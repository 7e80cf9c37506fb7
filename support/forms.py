"""Forms for in-contact plans, contacts, advocacy referrals and Independent Visitors."""

from typing import Any, cast

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.db.models import Count, Q
from django.utils import timezone

from core.forms import BoundedTextField, GovDateField, VersionedForm, page_helper
from core.models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from support.models import (
    NAME_MAX_LENGTH,
    AdvocacyOutcome,
    AdvocacyReferral,
    ContactMethod,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    VisitorStatus,
)


def _happened(*, what: str, label: str, required: bool = True, **kwargs: Any) -> GovDateField:
    """A date of something that has already happened: today at the latest."""
    return GovDateField(
        what=what, label=label, required=required, latest=timezone.localdate, **kwargs
    )


def _line(*, what: str, label: str, max_length: int = NAME_MAX_LENGTH, **kwargs: Any) -> Any:
    """A one-line text input with the GOV.UK message for text that is too long."""
    return BoundedTextField(
        what=what, label=label, max_length=max_length, widget=forms.TextInput, **kwargs
    )


def _today(kwargs: dict, field: str) -> None:
    kwargs.setdefault("initial", {field: timezone.localdate()})


class ContactPlanForm(VersionedForm):
    """How the child and their IRO agreed to keep in touch.

    A plan replaces the current one, so the form carries which plan was current (and its
    version) when it was opened: a plan agreed by someone else meanwhile is not replaced
    unseen.
    """

    start_date = _happened(what="the date the plan was agreed", label="Date agreed")
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
    childs_words = BoundedTextField(
        what="the child's own words",
        max_length=REASON_MAX_LENGTH,
        rows=4,
        label="In the child's own words (optional)",
        help_text="What the child said about how and when they want to hear from you",
        required=False,
    )
    replaces = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, plan: InContactPlan | None = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {"start_date": timezone.localdate(), "version": 0}
        if plan is not None:
            initial.update(
                methods=plan.methods,
                every_weeks=plan.every_weeks,
                childs_words=plan.childs_words,
                replaces=plan.public_id,
                version=plan.version,
            )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("start_date"),
            Field.checkboxes("methods", legend_size=Size.SMALL, small=True),
            Field.text("every_weeks", field_width=3),
            Field.textarea("childs_words", rows=4),
            "replaces",
            "version",
            Submit("submit", "Save in-contact plan"),
        )

    def plan(self) -> dict[str, Any]:
        """The new plan's fields as entered."""
        return {
            f: self.cleaned_data[f]
            for f in ("start_date", "methods", "every_weeks", "childs_words")
        }


class ContactLogForm(forms.Form):
    """One contact between the IRO and the child."""

    contacted_on = _happened(what="the date of the contact", label="Date of contact")
    method = forms.ChoiceField(
        label="How were you in touch?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you were in touch"},
    )
    note = BoundedTextField(
        what="the note", max_length=NOTE_MAX_LENGTH, rows=4, label="Note (optional)", required=False
    )

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
    referred_on = _happened(what="the date of the referral", label="Date referred")
    organisation = _line(
        what="the advocacy organisation",
        label="Advocacy organisation",
        error_messages={"required": "Enter the advocacy organisation"},
    )
    reason = BoundedTextField(
        what="why the child is being referred",
        max_length=REASON_MAX_LENGTH,
        rows=4,
        label="Why is the child being referred?",
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


class AdvocacyOutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AdvocacyOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    outcome_on = _happened(
        what="the date of the outcome",
        label="Date of outcome",
        help_text="Leave blank while waiting for a response",
        required=False,
    )

    def __init__(self, *args: Any, referral: AdvocacyReferral, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "outcome": referral.outcome,
                "outcome_on": referral.outcome_on,
                "version": referral.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.radios("outcome", legend_size=Size.SMALL, small=True),
            Field("outcome_on"),
            "version",
            Submit("submit", "Save outcome"),
        )


class VisitorForm(forms.Form):
    """A volunteer on the Independent Visitor register."""

    fields_saved = ("full_name", "status", "checks_on", "approved_on", "notes")

    full_name = _line(
        what="the full name",
        label="Full name",
        error_messages={"required": "Enter the volunteer's full name"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=VisitorStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the volunteer's status"},
    )
    checks_on = _happened(
        what="the date of the DBS and reference checks",
        label="Date of DBS and reference checks (optional until active)",
        required=False,
    )
    approved_on = _happened(
        what="the date approved",
        label="Date approved by the panel (optional until active)",
        required=False,
    )
    notes = BoundedTextField(
        what="the notes",
        max_length=NOTE_MAX_LENGTH,
        rows=3,
        label="Notes (optional)",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": VisitorStatus.IN_RECRUITMENT})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(*self.layout(), Submit("submit", "Save volunteer"))

    def layout(self) -> list:
        return [
            Field.text("full_name"),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field("checks_on"),
            Field("approved_on"),
            Field.textarea("notes", rows=3),
        ]

    def saved(self) -> dict[str, Any]:
        """The volunteer's fields as entered."""
        return {f: self.cleaned_data[f] for f in self.fields_saved}


class VisitorEditForm(VersionedForm, VisitorForm):
    """Change a volunteer's details; `version` catches a save over someone else's changes."""

    def __init__(self, *args: Any, visitor: IndependentVisitor, **kwargs: Any) -> None:
        initial = {f: getattr(visitor, f) for f in self.fields_saved}
        kwargs.setdefault("initial", {**initial, "version": visitor.version})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(*self.layout(), "version", Submit("submit", "Save volunteer"))


class IvReferForm(forms.Form):
    referred_on = _happened(what="the date of the referral", label="Date referred")

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
    start_date = _happened(what="the date the match started", label="Match started on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _today(kwargs, "start_date")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["visitor"]).queryset = (
            IndependentVisitor.objects.filter(status=VisitorStatus.ACTIVE)
            .annotate(current_matches=Count("matches", filter=Q(matches__end_date=None)))
            .order_by("full_name")
        )
        self.helper = page_helper(
            Field.select("visitor"), Field("start_date"), Submit("submit", "Save match")
        )


class IvMatchEndForm(VersionedForm):
    end_date = _happened(what="the date the match ended", label="Match ended on")
    end_reason = _line(
        what="why the match ended",
        label="Why did the match end?",
        help_text="For example, the young person turned 18, or the volunteer moved away",
        error_messages={"required": "Enter why the match ended"},
    )

    def __init__(self, *args: Any, match: IvMatch, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"end_date": timezone.localdate(), "version": match.version})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("end_date"),
            Field.text("end_reason"),
            "version",
            Submit("submit", "End match", css_class="govuk-button--warning"),
        )
