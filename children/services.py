"""Changes to children's records: each one atomic, validated and audited."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from children.models import Allocation, Child, CoverArrangement, Episode, PeriodOfCare
from core.conflicts import lock
from iro_service.models import Role, User


@dataclass(frozen=True)
class EpisodeData:
    start_date: date
    reason_new_episode: str
    legal_status: str
    placement_type: str
    placement_provider: str = ""
    placement_postcode: str = ""
    home_postcode: str = ""
    in_area: bool | None = None
    urn: str = ""
    cin: str = ""
    reason_place_change: str = ""


@transaction.atomic
def child_admit(
    *, by: User, child: Child, episode: EpisodeData, request: HttpRequest | None = None
) -> Child:
    """Record a child who has started to be looked after: the child, a period and its first episode."""
    child.save_by(by)
    period = PeriodOfCare(child=child, start_date=episode.start_date)
    period.save_by(by)
    first = Episode(child=child, period=period, **{**episode.__dict__, "reason_new_episode": "S"})
    first.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.CHILD_CREATE,
        child=child,
        obj=child,
    )
    return child


@transaction.atomic
def child_update(
    *, by: User, child: Child, version: int, changes: dict, request: HttpRequest | None = None
) -> Child:
    """Save edits to a child's details, refusing them if someone saved since `version` was read."""
    locked = lock(child, version=version, what="child's details")
    before = snapshot(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.CHILD_UPDATE,
        child=locked,
        obj=locked,
        changes=changes_between(before, locked),
    )
    return locked


@transaction.atomic
def episode_record(
    *, by: User, child: Child, episode: EpisodeData, request: HttpRequest | None = None
) -> Episode:
    """Record a change of placement or legal status, or the start of a new period of care."""
    lock(child)
    current = Episode.objects.open().filter(child=child).select_related("period").first()
    if current is None:
        if episode.reason_new_episode != "S":
            raise ValidationError(
                {
                    "reason_new_episode": "The child is not looked after: a new period of care "
                    "must start with reason S (started to be looked after)"
                }
            )
        period = PeriodOfCare(child=child, start_date=episode.start_date)
        period.save_by(by)
    else:
        if episode.reason_new_episode == "S":
            raise ValidationError(
                {
                    "reason_new_episode": "The child is already looked after: choose the reason "
                    "for this change of placement or legal status"
                }
            )
        if episode.start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": "The change must be after the current episode started on "
                    f"{current.start_date:%-d %B %Y}"
                }
            )
        current.end_date = episode.start_date
        current.reason_ceased = "X1"
        current.save_by(by)
        period = current.period
    new = Episode(child=child, period=period, **episode.__dict__)
    new.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.EPISODE_CREATE,
        child=child,
        obj=new,
    )
    return new


@transaction.atomic
def period_end(
    *,
    by: User,
    child: Child,
    end_date: date,
    reason_ceased: str,
    request: HttpRequest | None = None,
) -> PeriodOfCare:
    """Record that a child has ceased to be looked after; their IRO allocation ends the same day."""
    lock(child)
    current = Episode.objects.open().filter(child=child).select_related("period").first()
    if current is None:
        raise ValidationError({"end_date": "The child is not looked after"})
    if end_date < current.start_date:
        raise ValidationError(
            {
                "end_date": "The end date must be on or after the current episode started on "
                f"{current.start_date:%-d %B %Y}"
            }
        )
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": "The end date must be today or in the past"})
    if reason_ceased == "X1":
        raise ValidationError(
            {
                "reason_ceased": "X1 continues care in a new episode: record a change of placement "
                "or legal status instead"
            }
        )
    current.end_date = end_date
    current.reason_ceased = reason_ceased
    current.save_by(by)
    period = current.period
    period.end_date = end_date
    period.reason_ceased = reason_ceased
    period.save_by(by)
    for allocation in Allocation.objects.open().filter(child=child):
        allocation.end_date = max(end_date, allocation.start_date)
        allocation.reason = allocation.reason or "Ceased to be looked after"
        allocation.stamp(by)
        allocation.save()
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.PERIOD_END,
        child=child,
        obj=period,
        detail={"reason": reason_ceased},
    )
    return period


@transaction.atomic
def allocation_make(
    *,
    by: User,
    child: Child,
    iro: User,
    start_date: date,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Allocation:
    """Allocate a child to an IRO, ending any open allocation the day the new one starts."""
    lock(child)
    if not iro.is_active or not iro.has_role(Role.IRO):
        raise ValidationError({"iro": "Choose an active IRO"})
    if not PeriodOfCare.objects.open().filter(child=child).exists():
        raise ValidationError({"iro": "The child is not looked after, so cannot be allocated"})
    current = Allocation.objects.open().filter(child=child).first()
    if current is not None:
        if current.iro_id == iro.pk:
            raise ValidationError({"iro": f"{child.full_name} is already allocated to {iro}"})
        if start_date < current.start_date:
            raise ValidationError(
                {
                    "start_date": "The new allocation must start on or after the current one "
                    f"began on {current.start_date:%-d %B %Y}"
                }
            )
        current.end_date = start_date
        current.stamp(by)
        current.save()
    allocation = Allocation(child=child, iro=iro, start_date=start_date, reason=reason)
    allocation.stamp(by)
    allocation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"iro": "The child was allocated by someone else at the same time: check and try again"}
        ) from exc
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.ALLOCATION_CREATE,
        child=child,
        obj=allocation,
        detail={
            "iro": str(iro.public_id),
            "previous": str(current.iro.public_id) if current else None,
        },
    )
    return allocation


@transaction.atomic
def child_archive(
    *, by: User, child: Child, reason: str, request: HttpRequest | None = None
) -> Child:
    """Archive a record made in error or out of scope: it leaves every list but is never deleted."""
    locked = lock(child)
    locked.archived_at = timezone.now()
    locked.archived_by = by
    locked.archive_reason = reason
    locked.version += 1
    locked.stamp(by)
    locked.save(
        update_fields=["archived_at", "archived_by", "archive_reason", "version", "modified_by"]
    )
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.CHILD_ARCHIVE,
        child=locked,
        obj=locked,
        detail={"reason": reason},
    )
    return locked


@transaction.atomic
def sibling_link(
    *, by: User, child: Child, sibling: Child, request: HttpRequest | None = None
) -> None:
    """Record that two children are siblings, so they can share an IRO where possible."""
    if sibling.pk == child.pk:
        raise ValidationError({"child_ref": "A child cannot be their own sibling"})
    if child.siblings.filter(pk=sibling.pk).exists():
        raise ValidationError({"child_ref": f"{sibling.full_name} is already linked as a sibling"})
    child.siblings.add(sibling)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.SIBLING_LINK,
        child=child,
        obj=sibling,
    )
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.SIBLING_LINK,
        child=sibling,
        obj=child,
    )


@transaction.atomic
def cover_arrange(
    *,
    by: User,
    absent_iro: User,
    covering_iro: User,
    start_date: date,
    end_date: date | None,
    request: HttpRequest | None = None,
) -> CoverArrangement:
    """Let one IRO see and act on another's caseload for a time (leave, sickness)."""
    errors = {}
    if covering_iro.pk == absent_iro.pk:
        errors["covering_iro"] = "Choose a different IRO to cover"
    elif not covering_iro.is_active or not covering_iro.has_role(Role.IRO):
        errors["covering_iro"] = "Choose an active IRO to cover"
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date must be on or after the start date"
    if errors:
        raise ValidationError(errors)
    cover = CoverArrangement(
        absent_iro=absent_iro, covering_iro=covering_iro, start_date=start_date, end_date=end_date
    )
    cover.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.COVER_CREATE,
        child=None,
        obj=cover,
        detail={"absent": str(absent_iro.public_id), "covering": str(covering_iro.public_id)},
    )
    return cover
