"""The filters children are counted and listed by, kept in the URL (django-filter, ADR 0018).

`ChildFilter` holds the six the dashboards offer; `ChildListFilter` adds the children list's
search, status and next review window. A dashboard figure links to the list with its filters
carried over, so the figure is the length of the list it links to. No filter takes a child's
name: the IRO is chosen by their public id, the rest by code.
"""

from typing import Any

import django_filters
from django import forms
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from children import codes, rules
from children.access import children_visible_to
from children.models import ChildQuerySet, Episode, PeriodOfCare
from children.selectors import next_review_window, search_term
from iro_service.http import AuthedHttpRequest
from iro_service.models import User


def _codes(field: str) -> list[tuple[str, str]]:
    """Every code a field has held, with its meaning, for filtering records of any year."""
    return [(c, f"{c}: {t}") for c, t in codes.all_codes(field).items()]


class _IroNames(forms.models.ModelChoiceIterator):
    """The IRO choices as (public id, name) straight from the database: no User objects."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # The id as text from PostgreSQL: 1,600 UUID objects made only to be printed cost more
        # than the query. (SQLite keeps UUIDs as bare hex, so there they are made.)
        public_id = (
            Cast("public_id", CharField()) if connection.vendor == "postgresql" else "public_id"
        )
        yield from self.queryset.values_list(public_id, "full_name")


class _IroChoiceField(forms.ModelChoiceField):
    iterator = _IroNames


class _IroFilter(django_filters.ModelChoiceFilter):
    field_class = _IroChoiceField


def _in_open_episode(children: ChildQuerySet, **fields: str) -> ChildQuerySet:
    return children.filter(pk__in=Episode.objects.open().filter(**fields).values("child"))


def _in_open_period(children: ChildQuerySet, **fields: Any) -> ChildQuerySet:
    return children.filter(
        pk__in=PeriodOfCare.objects.filter(end_date=None, **fields).values("child")
    )


class ChildFilter(django_filters.FilterSet):
    """The dashboards' filters: IRO, RAG rating, legal status, placement type, age band, UASC."""

    iro = _IroFilter(
        label="IRO",
        queryset=User.objects.iros().order_by("full_name"),
        to_field_name="public_id",
        empty_label="Any IRO",
        method="by_iro",
    )
    rag = django_filters.ChoiceFilter(
        label="RAG rating", choices=rules.RAG_LABELS, empty_label="Any rating", method="by_rag"
    )
    legal_status = django_filters.ChoiceFilter(
        label="Legal status",
        choices=lambda: _codes("LS"),
        empty_label="Any legal status",
        method="by_episode",
    )
    placement_type = django_filters.ChoiceFilter(
        label="Placement type",
        choices=lambda: _codes("PLACE"),
        empty_label="Any placement type",
        method="by_episode",
    )
    age_band = django_filters.ChoiceFilter(
        label="Age",
        choices=list(rules.AGE_BAND_LABELS.items()),
        empty_label="Any age",
        method="by_age",
    )
    uasc = django_filters.ChoiceFilter(
        label="Unaccompanied asylum-seeking child (UASC)",
        choices=[("yes", "UASC"), ("no", "Not UASC")],
        empty_label="UASC or not",
        method="by_uasc",
    )

    def by_iro(self, children: ChildQuerySet, name: str, iro: User) -> ChildQuerySet:
        return children.allocated_to([iro])

    def by_rag(self, children: ChildQuerySet, name: str, rating: str) -> ChildQuerySet:
        """The latest rating stored on the open period; "none" is a child not rated yet."""
        return _in_open_period(children, latest_rating="" if rating == "none" else rating)

    def by_episode(self, children: ChildQuerySet, name: str, code: str) -> ChildQuerySet:
        return _in_open_episode(children, **{name: code})

    def by_age(self, children: ChildQuerySet, name: str, band: str) -> ChildQuerySet:
        return children.filter(rules.in_age_band(band, on=timezone.localdate()))

    def by_uasc(self, children: ChildQuerySet, name: str, answer: str) -> ChildQuerySet:
        uasc = rules.uasc_on(timezone.localdate())
        return children.filter(uasc) if answer == "yes" else children.exclude(uasc)

    @classmethod
    def of(cls, request: "AuthedHttpRequest") -> "ChildFilter":
        """The filters the URL asks for, over the children the user may see."""
        return cls(request.GET, queryset=children_visible_to(request.user))

    def described(self) -> list[str]:
        """The filters applied, in words: "RAG rating: Red"."""
        words = []
        for name in self.chosen():
            field = self.form.fields[name]
            value = self.form.cleaned_data[name]
            shown = value.full_name if name == "iro" else dict(field.choices)[value]  # type: ignore[attr-defined]
            words.append(f"{field.label}: {shown}")
        return words

    def chosen(self) -> dict[str, str]:
        """The filters applied, as the URL gave them (for links that carry them on)."""
        cleaned = self.form.cleaned_data if self.form.is_valid() else {}
        return {name: str(self.data[name]) for name in self.filters if cleaned.get(name)}


class ChildListFilter(ChildFilter):
    """The children list's search and filters; every field optional, looked after by default."""

    q = django_filters.CharFilter(label="Name or child reference", max_length=100, method="search")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[
            ("looked_after", "Looked after now"),
            ("ceased", "No longer looked after"),
            ("all", "All"),
        ],
        empty_label=None,
        method="by_status",
    )
    next_review = django_filters.ChoiceFilter(
        label="Next review",
        choices=list(rules.NEXT_REVIEW_WINDOWS.items()),
        empty_label="Any",
        method="by_next_review",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["q"].error_messages["max_length"] = "Search must be 100 characters or less"

    def filter_queryset(self, queryset: ChildQuerySet) -> ChildQuerySet:  # type: ignore[override]
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.looked_after_now()
        return super().filter_queryset(queryset).order_by("last_name", "first_name", "pk")

    def search(self, children: ChildQuerySet, name: str, words: str) -> ChildQuerySet:
        for word in words.split():
            children = children.filter(search_term(word))
        return children

    def by_status(self, children: ChildQuerySet, name: str, status: str) -> ChildQuerySet:
        if status == "looked_after":
            return children.looked_after_now()
        return children.exclude(periods__end_date=None) if status == "ceased" else children

    def by_next_review(self, children: ChildQuerySet, name: str, window: str) -> ChildQuerySet:
        return children.filter(
            pk__in=PeriodOfCare.objects.filter(end_date=None)
            .filter(next_review_window(window, today=timezone.localdate()))
            .values("child")
        )
