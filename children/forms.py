"""Forms for children's records, allocations and episodes, rendered with GOV.UK patterns."""

import uuid
from dataclasses import fields
from datetime import date
from typing import Any, cast

from crispy_forms_gds.layout import Field, Fieldset, Size, Submit
from django import forms
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from children import codes
from children.models import Allocation, Child, ChildQuerySet, CoverArrangement, Sex
from children.services import EpisodeData
from core.dates import long_date
from core.forms import GovDateField, VersionedForm, page_helper
from iro_service.models import User


def _code_field(
    field: str, label: str, *, required: bool = True, exclude: tuple = ()
) -> forms.ChoiceField:
    def choices() -> list[tuple[str, str]]:
        """This year's codes, then older years' retired ones (for back-dated records).

        Whether a code is valid on the record's own date is checked by the model's clean().
        """
        current = dict(codes.current_choices(field))
        retired = [
            (
                code,
                f"{code}: {text} (before {codes.collection_year_label(codes.collection_year(timezone.localdate()))})",
            )
            for code, text in codes.all_codes(field).items()
            if code not in current
        ]
        listed = list(current.items()) + retired
        return [("", "Select")] + [(c, text) for c, text in listed if c not in exclude]

    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        error_messages={"required": f"Select the {label.lower()}"},
    )


class ChildDetailsForm(forms.Form):
    """A child's personal details."""

    child_ref = forms.CharField(
        label="Child reference",
        max_length=10,
        help_text="The council's reference for the child, as sent in the SSDA903 return",
        error_messages={
            "required": "Enter the child reference",
            "max_length": "Child reference must be 10 characters or less",
        },
    )
    first_name = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Enter the first name",
            "max_length": "First name must be 100 characters or less",
        },
    )
    last_name = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Enter the last name",
            "max_length": "Last name must be 100 characters or less",
        },
    )
    preferred_name = forms.CharField(
        max_length=100,
        required=False,
        label="Preferred name (optional)",
        error_messages={"max_length": "Preferred name must be 100 characters or less"},
    )
    date_of_birth = GovDateField(
        what="the date of birth",
        label="Date of birth",
        help_text="For example, 27 3 2012",
        latest=timezone.localdate,
    )
    sex = forms.ChoiceField(
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex"},
    )
    ethnicity = _code_field("ETHNIC", "Ethnicity")
    upn = forms.CharField(
        label="Unique pupil number (optional)",
        max_length=13,
        required=False,
        error_messages={"max_length": "Unique pupil number must be 13 characters or less"},
    )
    disability = forms.TypedChoiceField(
        label="Does the child have a disability?",
        choices=[("true", "Yes"), ("false", "No"), ("", "Not known")],
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    uasc_from = GovDateField(
        what="the date the child became an unaccompanied asylum-seeking child",
        latest=timezone.localdate,
        label="Unaccompanied asylum-seeking child from (optional)",
        required=False,
    )
    uasc_ceased = GovDateField(
        what="the date the child ceased to be an unaccompanied asylum-seeking child",
        latest=timezone.localdate,
        label="Ceased to be an unaccompanied asylum-seeking child on (optional)",
        required=False,
    )

    detail_fields = (
        "child_ref",
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "upn",
        "disability",
        "uasc_from",
        "uasc_ceased",
    )

    def clean_child_ref(self) -> str:
        ref = self.cleaned_data["child_ref"].strip()
        clash = Child.objects.filter(child_ref__iexact=ref)
        if self.instance_pk is not None:
            clash = clash.exclude(pk=self.instance_pk)
        if clash.exists():
            raise forms.ValidationError("A child with this reference is already recorded")
        return ref

    def clean_date_of_birth(self) -> date:
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        if dob.year < timezone.localdate().year - 25:
            raise forms.ValidationError("Date of birth must be within the last 25 years")
        return dob

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("uasc_ceased") and not data.get("uasc_from"):
            self.add_error(
                "uasc_from", "Enter the date the child became an unaccompanied asylum-seeking child"
            )
        elif (
            data.get("uasc_ceased")
            and data.get("uasc_from")
            and data["uasc_ceased"] < data["uasc_from"]
        ):
            self.add_error(
                "uasc_ceased",
                "The date they ceased to be UASC must be after the date they became UASC",
            )
        return data

    instance_pk: int | None = None

    def detail_layout(self) -> list:
        return [
            Field.text("child_ref", field_width=10),
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("preferred_name", field_width=20),
            Field("date_of_birth"),
            Field.radios("sex", legend_size=Size.SMALL, inline=True),
            Field.select("ethnicity"),
            Field.text("upn", field_width=20),
            Field.radios("disability", legend_size=Size.SMALL, inline=True),
            Field("uasc_from"),
            Field("uasc_ceased"),
        ]


class ChildEditForm(ChildDetailsForm):
    """Edit a child's details; `version` catches a save over someone else's changes."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        initial = {name: getattr(child, name) for name in self.detail_fields}
        initial["disability"] = {True: "true", False: "false", None: ""}[child.disability]
        initial["version"] = child.version
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.instance_pk = child.pk
        self.helper = page_helper(
            *self.detail_layout(), "version", Submit("submit", "Save changes")
        )

    def changes(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.detail_fields}


class EpisodeFieldsMixin(forms.Form):
    legal_status = _code_field("LS", "Legal status")
    placement_type = _code_field("PLACE", "Placement type")
    placement_provider = _code_field("PLACE_PROVIDER", "Placement provider")
    placement_postcode = forms.CharField(
        label="Placement postcode (optional)",
        max_length=8,
        required=False,
        error_messages={"max_length": "Placement postcode must be 8 characters or less"},
    )
    in_area = forms.TypedChoiceField(
        label="Is the placement inside the council's area?",
        choices=[("true", "Yes"), ("false", "No")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the placement is inside the council's area"},
    )

    def episode_layout(self) -> list:
        return [
            Field.select("legal_status"),
            Field.select("placement_type"),
            Field.select("placement_provider"),
            Field.text("placement_postcode", field_width=10),
            Field.radios("in_area", legend_size=Size.SMALL, inline=True),
        ]

    def clean_placement_postcode(self) -> str:
        return self.cleaned_data["placement_postcode"].strip().upper()


class ChildAdmitForm(ChildDetailsForm, EpisodeFieldsMixin):
    """A child who has started to be looked after, with their first legal status and placement."""

    start_date = GovDateField(
        what="the date the child became looked after",
        label="Date the child became looked after",
        latest=timezone.localdate,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Fieldset(*self.detail_layout(), legend="The child", legend_size=Size.MEDIUM),
            Fieldset(
                Field("start_date"),
                *self.episode_layout(),
                legend="Becoming looked after",
                legend_size=Size.MEDIUM,
            ),
            Submit("submit", "Add child"),
        )

    def clean_start_date(self) -> date:
        start = self.cleaned_data["start_date"]
        if start > timezone.localdate():
            raise forms.ValidationError(
                "The date the child became looked after must be today or in the past"
            )
        return start

    def child(self) -> Child:
        return Child(**{f: self.cleaned_data[f] for f in self.detail_fields})

    def episode(self) -> EpisodeData:
        data = self.cleaned_data
        return EpisodeData(
            start_date=data["start_date"],
            reason_new_episode="S",
            legal_status=data["legal_status"],
            placement_type=data["placement_type"],
            placement_provider=data["placement_provider"],
            placement_postcode=data["placement_postcode"],
            in_area=data["in_area"],
        )

    def clean(self) -> dict:
        data = super().clean() or {}
        dob, start = data.get("date_of_birth"), data.get("start_date")
        if dob and start and start < dob:
            self.add_error(
                "start_date",
                "The date the child became looked after must be on or after their date of birth",
            )
        return data


class EpisodeForm(EpisodeFieldsMixin):
    """A change of placement or legal status, or a return to care.

    The reason for a placement change is why the current placement ended: it is saved on
    the episode that ends (SSDA903 REASON_PLACE_CHANGE), so a return to care does not ask it.
    """

    start_date = GovDateField(
        what="the date of the change", label="Date of the change", latest=timezone.localdate
    )
    reason_new_episode = _code_field("RNE", "Reason for the change")
    reason_place_change = _code_field(
        "REASON_PLACE_CHANGE", "Why the previous placement ended", required=False
    )

    def __init__(self, *args: Any, looked_after: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rne = [("", "Select")] + [
            (c, t) for c, t in codes.current_choices("RNE") if (c == "S") != looked_after
        ]
        cast(forms.ChoiceField, self.fields["reason_new_episode"]).choices = rne
        layout: list = [Field("start_date"), Field.select("reason_new_episode")]
        if looked_after:
            self.fields["reason_place_change"].help_text = (
                "Needed for a change of placement, unless either placement is temporary "
                "(T0 to T4). It is recorded on the placement that ended."
            )
            layout.append(Field.select("reason_place_change"))
        else:
            del self.fields["reason_place_change"]
        self.helper = page_helper(*layout, *self.episode_layout(), Submit("submit", "Save change"))

    def clean_start_date(self) -> date:
        start = self.cleaned_data["start_date"]
        if start > timezone.localdate():
            raise forms.ValidationError("The date of the change must be today or in the past")
        return start

    def episode(self) -> EpisodeData:
        return EpisodeData(
            **{
                f.name: self.cleaned_data[f.name]
                for f in fields(EpisodeData)
                if f.name in self.cleaned_data
            }
        )

    def ended_placement_reason(self) -> str:
        """Why the current placement ended, saved on the episode that ends."""
        return self.cleaned_data.get("reason_place_change", "")


class PeriodEndForm(forms.Form):
    """The end of a period of care."""

    end_date = GovDateField(
        what="the date the child ceased to be looked after",
        label="Date the child ceased to be looked after",
        latest=timezone.localdate,
    )
    reason_ceased = _code_field(
        "REC", "Reason the child ceased to be looked after", exclude=("X1",)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("end_date"),
            Field.select("reason_ceased"),
            Submit("submit", "Record end of care", css_class="govuk-button--warning"),
        )


class IroChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        fte = f"{obj.fte_label} FTE" if obj.fte else "FTE not set"
        held = getattr(obj, "caseload", 0)
        return f"{obj.full_name} ({held} {'child' if held == 1 else 'children'}, {fte})"


class AllocationForm(forms.Form):
    """Allocate or reallocate a child to an IRO."""

    iro = IroChoiceField(
        label="IRO",
        queryset=User.objects.iros()
        .active()
        .filter(left_on=None)
        # The children each holds now, from the index (iro, end_date): a join over every
        # allocation ever made costs ~45 ms at 20,000 children and grows with history.
        .annotate(
            caseload=Coalesce(
                Subquery(
                    Allocation.objects.open()
                    .filter(iro=OuterRef("pk"))
                    .order_by()
                    .values("iro")
                    .annotate(n=Count("iro"))
                    .values("n")
                ),
                0,
            )
        )
        .order_by("full_name"),
        empty_label="Select an IRO",
        error_messages={"required": "Select the IRO", "invalid_choice": "Choose an active IRO"},
    )
    start_date = GovDateField(
        what="the date the allocation starts",
        label="Allocation starts on",
        latest=timezone.localdate,
    )
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=200,
        required=False,
        help_text="For example, sibling shares this IRO, or IRO leaving",
        error_messages={"max_length": "Reason must be 200 characters or less"},
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        sibling_iros = list(
            Allocation.objects.open()
            .filter(child__in=child.siblings.not_archived())
            .values_list("iro__public_id", "iro__full_name")
            .distinct()
        )
        initial = {"start_date": timezone.localdate()}
        if len(sibling_iros) == 1:
            initial["iro"] = User.objects.filter(public_id=sibling_iros[0][0]).first()
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        period = child.periods.filter(end_date=None).first()
        if period is not None:
            cast(GovDateField, self.fields["start_date"]).earliest = period.start_date
        if sibling_iros:
            names = ", ".join(name for _, name in sibling_iros)
            self.fields[
                "iro"
            ].help_text = f"Siblings share an IRO where possible: their IRO is {names}"
        self.helper = page_helper(
            Field.select("iro"),
            Field("start_date"),
            Field.text("reason"),
            Submit("submit", "Allocate IRO"),
        )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this record being archived?",
        max_length=200,
        error_messages={
            "required": "Enter why the record is being archived",
            "max_length": "Reason must be 200 characters or less",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.text("reason"),
            Submit("submit", "Archive record", css_class="govuk-button--warning"),
        )


class SiblingForm(forms.Form):
    """Link a brother or sister by their child reference."""

    child_ref = forms.CharField(
        label="Sibling's child reference",
        max_length=10,
        error_messages={
            "required": "Enter the sibling's child reference",
            "max_length": "Child reference must be 10 characters or less",
        },
    )

    def __init__(self, *args: Any, candidates: ChildQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.helper = page_helper(
            Field.text("child_ref", field_width=10), Submit("submit", "Link sibling")
        )

    def clean_child_ref(self) -> Child:
        """The sibling, among the children the user may see."""
        ref = self.cleaned_data["child_ref"].strip()
        sibling = self.candidates.filter(child_ref__iexact=ref).first()
        if sibling is None:
            raise forms.ValidationError("No child you can see has this reference")
        return sibling


class CoverForm(forms.Form):
    """One IRO covering another's caseload from a date, until a date if known."""

    absent_iro = forms.ModelChoiceField(
        label="IRO who is away",
        queryset=User.objects.iros().active().order_by("full_name"),
        empty_label="Select an IRO",
        error_messages={"required": "Select the IRO who is away"},
    )
    covering_iro = forms.ModelChoiceField(
        label="IRO covering their caseload",
        queryset=User.objects.iros().active().order_by("full_name"),
        empty_label="Select an IRO",
        error_messages={
            "required": "Select the IRO covering",
            "invalid_choice": "Choose an active IRO",
        },
    )
    start_date = GovDateField(what="the date cover starts", label="Cover starts on")
    end_date = GovDateField(
        what="the date cover ends", label="Cover ends on (optional)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field.select("absent_iro"),
            Field.select("covering_iro"),
            Field("start_date"),
            Field("end_date"),
            Submit("submit", "Arrange cover"),
        )


class CoverChangeForm(VersionedForm):
    """Change when a cover arrangement starts or ends."""

    start_date = GovDateField(what="the date cover starts", label="Cover starts on")
    end_date = GovDateField(
        what="the date cover ends", label="Cover ends on (optional)", required=False
    )

    def __init__(self, *args: Any, cover: CoverArrangement, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"start_date": cover.start_date, "end_date": cover.end_date, "version": cover.version},
        )
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            Field("start_date"), Field("end_date"), "version", Submit("submit", "Save cover")
        )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date")
        return data


class CoverEndForm(VersionedForm):
    """End a cover arrangement today: the button on each row of the cover page."""


END = "end"


class ReallocateForm(forms.Form):
    """Where each child an IRO holds goes: to another IRO, or back to the unallocated queue.

    One choice for every child, and a choice per child that overrides it. `held` carries the
    allocations the page showed, so a caseload that changed meanwhile is not moved unseen.
    """

    all_to = forms.ChoiceField(label="Move every child to", required=False)
    start_date = GovDateField(
        what="the date the children move",
        label="Move them on",
        help_text="The new IRO's allocation starts, or the old one ends, on this day",
        latest=timezone.localdate,
    )
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=200,
        required=False,
        help_text="For example, IRO left the service",
        error_messages={"max_length": "Reason must be 200 characters or less"},
    )
    held = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        iro: User,
        allocations: list[Allocation],
        iros: list[User],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"start_date": timezone.localdate(), "held": self.held_value(allocations)},
        )
        super().__init__(*args, **kwargs)
        self.iro, self.allocations = iro, allocations
        self.iros = {str(other.public_id): other for other in iros if other.pk != iro.pk}
        targets = [(key, other.full_name) for key, other in self.iros.items()]
        end = (END, "Nobody: end the allocation, so they wait for an IRO from that day")
        cast(forms.ChoiceField, self.fields["all_to"]).choices = [
            ("", "Choose for each child below"),
            *targets,
            end,
        ]
        layout: list = [Field.select("all_to")]
        for allocation in allocations:
            child = allocation.child
            name = self.field_name(allocation)
            self.fields[name] = forms.ChoiceField(
                label=f"{child.full_name} ({child.child_ref})",
                help_text=f"With {iro.full_name} since {long_date(allocation.start_date)}",
                choices=[("", "As chosen above"), *targets, end],
                required=False,
            )
            layout.append(Field.select(name))
        self.helper = page_helper(
            *layout,
            Field("start_date"),
            Field.text("reason"),
            "held",
            Submit("submit", "Move the children"),
        )
        if not allocations:
            self.helper = page_helper()  # nothing to move: the page says so, and asks nothing

    @staticmethod
    def field_name(allocation: Allocation) -> str:
        return f"move_{allocation.public_id.hex}"

    @staticmethod
    def held_value(allocations: list[Allocation]) -> str:
        return ",".join(sorted(str(a.public_id) for a in allocations))

    def child_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(a)] for a in self.allocations]

    def clean(self) -> dict:
        data = super().clean() or {}
        every = data.get("all_to", "")
        self.chosen: dict[uuid.UUID, User | None] = {}
        for allocation in self.allocations:
            name = self.field_name(allocation)
            choice = data.get(name) or every
            if not choice:
                self.add_error(
                    name,
                    f"Choose who {allocation.child.full_name} moves to, or end the allocation",
                )
                continue
            self.chosen[allocation.public_id] = None if choice == END else self.iros[choice]
        return data

    def moves(self) -> dict[uuid.UUID, User | None]:
        """Each allocation held now, by public id, and where its child goes (None: nobody)."""
        return self.chosen

    def seen(self) -> set[uuid.UUID]:
        """The allocations the page showed when it was opened."""
        try:
            return {uuid.UUID(v) for v in self.cleaned_data.get("held", "").split(",") if v}
        except ValueError:
            return set()

    def aliases(self) -> dict[str, str]:
        """The service keys a refused move by its allocation: show it on that child's choice."""
        return {a.public_id.hex: self.field_name(a) for a in self.allocations}
