"""Children looked after, their periods of care and episodes (SSDA903), IRO allocations, cover."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from children import codes
from core.models import ChildDates, DateRange, Record, one_open_per


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown or not stated"


def imported_in_field() -> models.ForeignKey:
    """The SSDA903 import a record came from (its year, files, when and by whom); null for a
    record made in the app. An import compares it with the record's modified_at to tell a
    record changed in the app since (ssda903.importer)."""
    return models.ForeignKey(
        "ssda903.Import",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="Imported in",
    )


def waiting_for_an_iro(on: date) -> "models.QuerySet":
    """The ids of children looked after with no IRO allocation in force on `on` (one yet to
    start is none). Driven from the open periods, not from every child: the partial indexes on
    open periods and open allocations are merged and only the few waiting are read (issue 9)."""
    allocated = Allocation.objects.open().filter(child=OuterRef("child"), start_date__lte=on)
    waiting = PeriodOfCare.objects.filter(end_date=None).exclude(Exists(allocated))
    # Unordered, both sides are read from their indexes alone and merged in child order.
    return waiting.order_by().values_list("child", flat=True)


class ChildQuerySet(models.QuerySet["Child"]):
    def not_archived(self) -> "ChildQuerySet":
        return self.filter(archived_at__isnull=True)

    def looked_after_on(self, day: date) -> "ChildQuerySet":
        """Children with a period of care open at the end of `day` (ending that day does not count)."""
        return self.filter(
            Exists(
                PeriodOfCare.objects.filter(child=OuterRef("pk"), start_date__lte=day).filter(
                    Q(end_date__isnull=True) | Q(end_date__gt=day)
                )
            )
        )

    def looked_after_now(self) -> "ChildQuerySet":
        return self.filter(Exists(PeriodOfCare.objects.filter(child=OuterRef("pk"), end_date=None)))

    def allocated_to(self, iros: "models.QuerySet | list") -> "ChildQuerySet":
        return self.filter(
            Exists(Allocation.objects.open().filter(child=OuterRef("pk"), iro__in=iros))
        )

    def unallocated(self, on: date | None = None) -> "ChildQuerySet":
        """Looked after with no IRO allocation in force on `on` (today): one yet to start is none."""
        return self.filter(pk__in=waiting_for_an_iro(on or timezone.localdate()))

    def with_current(self) -> "ChildQuerySet":
        """Annotate the open episode's legal status and placement and the allocated IRO."""
        episode = Episode.objects.filter(child=OuterRef("pk"), end_date=None)
        allocation = Allocation.objects.open().filter(child=OuterRef("pk"))
        period = PeriodOfCare.objects.filter(child=OuterRef("pk")).order_by("-start_date")
        return self.annotate(
            current_legal_status=Subquery(episode.values("legal_status")[:1]),
            current_placement_type=Subquery(episode.values("placement_type")[:1]),
            current_placement_provider=Subquery(episode.values("placement_provider")[:1]),
            current_iro_name=Subquery(allocation.values("iro__full_name")[:1]),
            current_iro_public_id=Subquery(allocation.values("iro__public_id")[:1]),
            current_allocated_on=Subquery(allocation.values("start_date")[:1]),
            latest_period_start=Subquery(period.values("start_date")[:1]),
            latest_period_end=Subquery(period.values("end_date")[:1]),
        )


class Child(Record):
    """A child or young person looked after by the local authority."""

    child_ref = models.CharField(
        "Child reference",
        max_length=10,
        unique=True,
        help_text="The council's reference for the child (SSDA903 CHILD), up to 10 characters",
    )
    # Blank only for a child imported from an SSDA903 return, which holds no names: the app's
    # forms always ask for both.
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    disability = models.BooleanField(null=True, blank=True)
    uasc_from = models.DateField("Unaccompanied asylum-seeking child from", null=True, blank=True)
    uasc_ceased = models.DateField("Ceased to be UASC on", null=True, blank=True)
    # SSDA903 Header MOTHER and MC_DOB: whether the young person is a mother, and when her
    # child was born (null: not recorded).
    is_mother = models.BooleanField("Is a mother", null=True, blank=True)
    mothers_child_born = models.DateField("Her child's date of birth", null=True, blank=True)
    siblings = models.ManyToManyField("self", blank=True, symmetrical=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    archive_reason = models.CharField(max_length=200, blank=True, editable=False)
    imported_in = imported_in_field()

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        permissions = [
            ("view_all_children", "Can see every child's record"),
            ("view_allocated_children", "Can see the records of children allocated to them"),
            ("allocate_iro", "Can allocate an IRO to a child"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(uasc_ceased__isnull=True) | Q(uasc_from__isnull=False),
                name="child_uasc_ceased_needs_uasc_from",
            ),
            models.CheckConstraint(
                condition=Q(uasc_ceased__isnull=True) | Q(uasc_ceased__gte=F("uasc_from")),
                name="child_uasc_ceased_after_uasc_from",
            ),
        ]
        indexes = [
            # The children list's order: its first pages read the index, not every child.
            models.Index(
                fields=["last_name", "first_name", "id"],
                condition=Q(archived_at__isnull=True),
                name="child_name_order",
            ),
            # The few archived children, so "not archived" is an anti-join against them
            # (not_archived_child) instead of a join to every child (ADR 0018).
            models.Index(
                fields=["id"], condition=Q(archived_at__isnull=False), name="child_archived"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.child_ref})"

    @property
    def full_name(self) -> str:
        if not (self.first_name or self.last_name):
            return "Name not recorded"  # imported from a 903 return, which holds no names
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date) -> int:
        """Age in whole years on `day`; a 29 February birthday ages on 1 March in other years."""
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def was_looked_after_on(self, day: date) -> bool:
        """In a period of care at any time on `day` (the day care ends counts)."""
        return (
            self.periods.filter(start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .exists()
        )

    @property
    def sex_label(self) -> str:
        return Sex(self.sex).label if self.sex else ""

    @property
    def ethnicity_label(self) -> str:
        return codes.label("ETHNIC", self.ethnicity)

    def clean(self) -> None:
        errors = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = "Date of birth must be in the past"
        if self.uasc_ceased and not self.uasc_from:
            errors["uasc_from"] = (
                "Enter the date the child became an unaccompanied asylum-seeking child"
            )
        elif self.uasc_ceased and self.uasc_from and self.uasc_ceased < self.uasc_from:
            errors["uasc_ceased"] = "Date ceased to be UASC must be after the date they became UASC"
        if self.ethnicity and self.ethnicity not in codes.all_codes("ETHNIC"):
            errors["ethnicity"] = "Select the child's ethnicity from the list"
        if errors:
            raise ValidationError(errors)


def not_archived_child(field: str = "child") -> Q:
    """Rows of another model whose child (`field`) is not archived, tested against the archived
    children alone (index child_archived): at 100,000 children the join to every child for
    `archived_at IS NULL` cost more than the count it served (ADR 0018)."""
    return ~Q(**{f"{field}__in": Child.objects.filter(archived_at__isnull=False).values("pk")})


class PeriodOfCare(Record, ChildDates, DateRange):
    """A continuous period of being looked after, from starting to ceasing (SSDA903)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="periods")
    reason_ceased = models.CharField(max_length=3, blank=True)
    # The next review due in this open period, as reviews.rules computes it, stored so lists
    # and dashboards can filter and count by it in SQL at any size; blank when unknown or
    # once the period ends. Kept right by reviews.services.period_summary_refresh (ADR 0017).
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    # The child's latest RAG rating ("red", "amber", "green"; blank when not rated yet), stored
    # on the open period for the same reason and by the same service (ADR 0018).
    latest_rating = models.CharField(max_length=5, blank=True, editable=False)
    # The IRO allocated to the child today (blank: waiting for one), stored the same way so the
    # service dashboard counts each IRO's children in one pass over the open periods (ADR 0018).
    allocated_iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    imported_in = imported_in_field()

    CHILD_DATE_FIELDS = ("start_date",)

    class Meta:
        ordering = ["-start_date"]
        verbose_name_plural = "periods of care"
        constraints = [
            *DateRange.Meta.constraints,
            one_open_per("child", name="one_open_period_per_child"),
        ]
        indexes = [
            # The service dashboard's one pass over the open periods, from the index alone.
            models.Index(
                fields=["allocated_iro"],
                include=["child", "next_review_due", "latest_rating"],
                condition=Q(end_date__isnull=True),
                name="open_period_iro_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"Period of care from {self.start_date:%d/%m/%Y}"

    @property
    def reason_ceased_label(self) -> str:
        return codes.label("REC", self.reason_ceased)


class Episode(Record, ChildDates, DateRange):
    """A spell of one legal status and one placement within a period of care (SSDA903 Episodes)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="episodes")
    period = models.ForeignKey(PeriodOfCare, on_delete=models.PROTECT, related_name="episodes")
    reason_new_episode = models.CharField("Reason for new episode", max_length=1)
    legal_status = models.CharField("Legal status", max_length=2)
    cin = models.CharField("Category of need", max_length=2, blank=True)
    placement_type = models.CharField("Placement type", max_length=3)  # Z11-Z14 from 2025-26
    placement_provider = models.CharField("Placement provider", max_length=3, blank=True)
    placement_postcode = models.CharField("Placement postcode", max_length=8, blank=True)
    home_postcode = models.CharField("Home postcode", max_length=8, blank=True)
    in_area = models.BooleanField("Placed inside the council's area", null=True, blank=True)
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    reason_ceased = models.CharField("Reason episode ceased", max_length=3, blank=True)
    reason_place_change = models.CharField("Reason for placement change", max_length=6, blank=True)
    imported_in = imported_in_field()

    CHILD_DATE_FIELDS = ("start_date",)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            *DateRange.Meta.constraints,
            one_open_per("child", name="one_open_episode_per_child"),
            # SSDA903 REASON_PLACE_CHANGE is why a placement ended (validator rule 225): it
            # belongs to an episode that ended in a change of placement, never to the new one.
            models.CheckConstraint(
                condition=Q(reason_place_change="") | Q(end_date__isnull=False, reason_ceased="X1"),
                name="episode_place_change_reason_on_the_ended_episode",
            ),
        ]
        indexes = [models.Index(fields=["child", "start_date"])]

    def __str__(self) -> str:
        return f"{self.legal_status}/{self.placement_type} from {self.start_date:%d/%m/%Y}"

    @property
    def legal_status_label(self) -> str:
        return codes.label("LS", self.legal_status)

    @property
    def placement_type_label(self) -> str:
        return codes.label("PLACE", self.placement_type)

    @property
    def placement_provider_label(self) -> str:
        return codes.label("PLACE_PROVIDER", self.placement_provider)

    @property
    def reason_new_episode_label(self) -> str:
        return codes.label("RNE", self.reason_new_episode)

    @property
    def reason_ceased_label(self) -> str:
        return codes.label("REC", self.reason_ceased)

    @property
    def reason_place_change_label(self) -> str:
        return codes.label("REASON_PLACE_CHANGE", self.reason_place_change)

    def clean(self) -> None:
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        if self.start_date:
            checks = (
                ("reason_new_episode", "RNE", self.reason_new_episode),
                ("legal_status", "LS", self.legal_status),
                ("placement_type", "PLACE", self.placement_type),
                ("placement_provider", "PLACE_PROVIDER", self.placement_provider),
            )
            year = codes.collection_year_label(codes.collection_year(self.start_date))
            for field, code_field, value in checks:
                if value and value not in codes.codes_on(code_field, self.start_date):
                    errors[field] = f"{value} is not a valid code in {year}"
        from children.rules import provider_allowed  # SSDA903 validator rule 550

        if "placement_provider" not in errors and not provider_allowed(
            self.placement_type, self.placement_provider
        ):
            errors["placement_provider"] = (
                f"{self.placement_provider} (parent or other person with parental "
                "responsibility) can only be the provider of placement P1 (placed with own "
                "parent(s) or other person with parental responsibility)"
            )
        if (
            self.end_date
            and self.reason_ceased
            and self.reason_ceased not in codes.codes_on("REC", self.end_date)
        ):
            errors["reason_ceased"] = f"{self.reason_ceased} is not a valid reason in that year"
        if self.reason_place_change:
            if self.end_date is None or self.reason_ceased != "X1":
                errors["reason_place_change"] = (
                    "Only a placement that ended in a change (X1) has a reason for the "
                    "placement change"
                )
            elif self.reason_place_change not in codes.codes_on(
                "REASON_PLACE_CHANGE", self.end_date
            ):
                ended = codes.collection_year_label(codes.collection_year(self.end_date))
                errors["reason_place_change"] = (
                    f"{self.reason_place_change} is not a valid code in {ended}"
                )
        if self.start_date and self.child_id and "start_date" not in errors:
            overlapping = self.overlapping_episodes()
            if overlapping:
                other = overlapping[0]
                errors["start_date"] = (
                    f"Dates overlap the episode from {other.start_date:%-d %B %Y}"
                    + (f" to {other.end_date:%-d %B %Y}" if other.end_date else " (still open)")
                )
        if errors:
            raise ValidationError(errors)

    def overlapping_episodes(self) -> list["Episode"]:
        """Other episodes of the child whose days overlap this one's (touching ends are fine)."""
        others = Episode.objects.filter(child_id=self.child_id).exclude(pk=self.pk)
        start, end = self.start_date, self.end_date
        clash = Q(end_date__isnull=True) | Q(end_date__gt=start)
        if end is not None:
            clash &= Q(start_date__lt=end)
        return list(others.filter(clash).order_by("start_date")[:1])


class Allocation(Record, ChildDates, DateRange):
    """A child's allocation to an IRO, from a date until reallocated or the care ends."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="IRO",
    )
    reason = models.CharField(max_length=200, blank=True)

    CHILD_DATE_FIELDS = ("start_date",)

    class Meta:
        ordering = ["-start_date", "-created_at"]
        constraints = [
            *DateRange.Meta.constraints,
            one_open_per("child", name="one_open_allocation_per_child"),
        ]
        indexes = [
            models.Index(fields=["iro", "end_date"]),
            # Who is waiting for an IRO, read from the index alone (Child...unallocated).
            models.Index(
                fields=["child", "start_date"],
                condition=Q(end_date__isnull=True),
                name="allocation_open_child_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.iro} from {self.start_date:%d/%m/%Y}"


class CoverArrangement(Record, DateRange):
    """One IRO covering another's caseload for a time (leave, sickness)."""

    absent_iro = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covered_by"
    )
    covering_iro = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covering"
    )

    class Meta:
        constraints = [
            *DateRange.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(absent_iro=F("covering_iro")), name="cover_is_by_another_iro"
            ),
        ]
