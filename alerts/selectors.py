"""Reads of alerts: whose they are, how many are new, and a list grouped by kind."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from alerts.access import audiences_of
from alerts.kinds import IRO_KINDS, KINDS, ORDER, AlertKind, Audience
from alerts.models import Alert, AlertQuerySet, AlertRead
from children.access import children_visible_to
from children.models import Allocation
from iro_service.models import User


def _kinds_for(audience: Audience) -> list[str]:
    return sorted(kind for kind, info in KINDS.items() if audience in info.audience)


def alerts_for(user: User) -> AlertQuerySet:
    """Open alerts for `user`: their caseload's and the caseloads they cover (IROs), the
    service's (managers), new accounts and roles (admins)."""
    wanted = Q(pk__in=[])
    audiences = audiences_of(user)
    if Audience.IRO in audiences:
        # The IROs as a list (one query more): with them inline the planner reads every child
        # at 100,000 (110 ms a count; bench/RESULTS.md).
        visible = children_visible_to(user)
        wanted |= Q(kind__in=_kinds_for(Audience.IRO), child__in=visible)
    for audience in audiences - {Audience.IRO}:
        wanted |= Q(kind__in=_kinds_for(audience))
    return Alert.objects.open().filter(wanted)


def unread_for(user: User) -> AlertQuerySet:
    """`user`'s open alerts they have not marked as read."""
    read = AlertRead.objects.filter(alert=OuterRef("pk"), user=user)
    return alerts_for(user).exclude(Exists(read))


def unread_count(user: User) -> int:
    """How many of `user`'s open alerts they have not marked as read (one query)."""
    return unread_for(user).count()


def with_read(alerts: AlertQuerySet, user: User) -> AlertQuerySet:
    read = AlertRead.objects.filter(alert=OuterRef("pk"), user=user)
    return alerts.annotate(is_read=Exists(read))


def team_alerts(iro: User | None = None) -> AlertQuerySet:
    """Open alerts of IROs' caseloads, each with the child's IRO; one IRO's if given."""
    holder = Allocation.objects.open().filter(child=OuterRef("child_id"))
    alerts = (
        Alert.objects.open()
        .filter(kind__in=sorted(IRO_KINDS), child__archived_at__isnull=True)
        .annotate(holder=Subquery(holder.values("iro_id")[:1]))
    )
    return alerts.filter(holder=iro.pk) if iro is not None else alerts


@dataclass(frozen=True)
class TeamRow:
    iro: User | None
    total: int
    overdue: int


def team_summary(*, today: date) -> list[TeamRow]:
    """Per IRO, how many alerts their caseload has open and how many are past due (one query,
    plus one for the IROs' names)."""
    alerts: QuerySet[Any, Any] = team_alerts()  # annotated with each child's IRO, "holder"
    counts = list(
        alerts.values("holder")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    )
    iros = User.objects.in_bulk([row["holder"] for row in counts if row["holder"]])
    rows = [TeamRow(iros.get(row["holder"]), row["total"], row["overdue"]) for row in counts]
    return sorted(rows, key=lambda row: (-row.overdue, -row.total, str(row.iro or "")))


PER_KIND = 50


def first_of_each_kind(alerts: AlertQuerySet, *, per_kind: int = PER_KIND) -> AlertQuerySet:
    """The soonest due `per_kind` alerts of each kind, in one query whatever the count.

    The alerts are ranked on their own columns and the chosen ones read by key, so the joins
    and annotations the caller adds run for those rows only, not for every alert ranked."""
    ranked = alerts.annotate(
        rank=Window(RowNumber(), partition_by=[F("kind")], order_by=[F("due_on"), F("pk")])
    )
    return Alert.objects.filter(pk__in=ranked.filter(rank__lte=per_kind).values("pk"))


def counts_by_kind(alerts: AlertQuerySet) -> dict[str, int]:
    return dict(alerts.order_by().values_list("kind").annotate(n=Count("pk")))


@dataclass
class AlertRow:
    alert: Alert
    days_left: int
    url: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and not KINDS[self.alert.kind].due_is_since

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


@dataclass
class KindGroup:
    kind: str
    label: str
    action: str
    due_is_since: bool
    rows: list[AlertRow] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)

    @property
    def unread(self) -> int:
        return sum(1 for row in self.rows if not getattr(row.alert, "is_read", False))


def grouped(
    alerts: list[Alert], *, today: date | None = None, totals: dict[str, int] | None = None
) -> list[KindGroup]:
    """Alerts grouped by kind in the kinds' order, soonest due first within each; `totals`
    says how many each kind has when only the first of each are listed."""
    today = today or timezone.localdate()
    groups: dict[str, KindGroup] = {}
    for alert in sorted(alerts, key=lambda a: (ORDER[a.kind], a.due_on, a.pk)):
        info = KINDS[alert.kind]
        group = groups.setdefault(
            alert.kind,
            KindGroup(alert.kind, AlertKind(alert.kind).label, info.action, info.due_is_since),
        )
        group.rows.append(AlertRow(alert, (alert.due_on - today).days))
    for group in groups.values():
        group.total = (totals or {}).get(group.kind, len(group.rows))
    return list(groups.values())
