"""Changes to children's records: each one atomic, validated and audited."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from children import rules
from children.lifecycle import CareEnded, care_ended
from children.models import Allocation, Child, CoverArrangement, Episode, PeriodOfCare
from core.conflicts import CONFLICT_MESSAGE, EditConflictError, lock
from core.dates import long_date, not_in_future
from iro_service.models import Role, User

CEASED = "Ceased to be looked after"


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
    *,
    by: User,
    child: Child,
    episode: EpisodeData,
    reason_place_change: str = "",
    request: HttpRequest | None = None,
) -> Episode:
    """Record a change of placement or legal status, or the start of a new period of care.

    `reason_place_change` is why the current placement ended: it is written on the episode
    that ends (SSDA903 rule 225), never on the new one.
    """
    lock(child)
    current = Episode.objects.open().filter(child=child).select_related("period").first()
    ended: Episode | None = None
    if current is None:
        if reason_place_change:
            raise ValidationError(
                {
                    "reason_place_change": "A return to care ends no placement: leave the "
                    "reason for a placement change blank"
                }
            )
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
        if not reason_place_change and rules.placement_change_needs_reason(
            reason_new_episode=episode.reason_new_episode,
            ending_placement=current.placement_type,
            new_placement=episode.placement_type,
        ):
            raise ValidationError(
                {"reason_place_change": "Select why the previous placement ended"}
            )
        current.end_date = episode.start_date
        current.reason_ceased = "X1"
        current.reason_place_change = reason_place_change
        current.save_by(by)
        period = current.period
        ended = current
    new = Episode(child=child, period=period, **episode.__dict__)
    new.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.EPISODE_CREATE,
        child=child,
        obj=new,
        detail=(
            {"ended": str(ended.public_id), "reason_place_change": ended.reason_place_change}
            if ended is not None
            else {}
        ),
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
    """Record that a child has ceased to be looked after; what runs only while they are ends too.

    Their IRO allocation ends that day, then every app's care-ended step runs (children.lifecycle)
    in this transaction, so the end of care and all it closes stand or fall together.
    """
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
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.PERIOD_END,
        child=child,
        obj=period,
        detail={"reason": reason_ceased},
    )
    for allocation in Allocation.objects.open().filter(child=child):
        _end_allocation(
            allocation,
            by=by,
            end_date=max(end_date, allocation.start_date),
            reason=CEASED,
            request=request,
        )
    care_ended(CareEnded(child=child, period=period, on=end_date, by=by, request=request))
    return period


def _end_allocation(
    allocation: Allocation,
    *,
    by: User,
    end_date: date,
    reason: str,
    request: HttpRequest | None,
) -> Allocation:
    """Close an open allocation on `end_date`, audited; its reason kept if it had one."""
    before = snapshot(allocation)
    allocation.end_date = end_date
    allocation.reason = allocation.reason or reason
    allocation.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.ALLOCATION_END,
        child=allocation.child,
        obj=allocation,
        changes=changes_between(before, allocation),
        detail={"iro": str(allocation.iro.public_id), "reason": reason},
    )
    return allocation


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
    """Allocate a child to an IRO, ending any open allocation the day the new one starts.

    The allocation starts within the child's current period of care and not after today, and
    only with an active IRO who has not left by then: a child is never allocated to someone
    who has gone, nor taken out of the unallocated queue by an allocation yet to start.
    """
    lock(child)
    if not iro.has_role(Role.IRO):
        raise ValidationError({"iro": "Choose an active IRO"})
    if not iro.is_active:
        raise ValidationError({"iro": f"{iro.full_name} is not active: choose an active IRO"})
    if iro.left_on is not None and iro.left_on <= start_date:
        raise ValidationError(
            {
                "iro": f"{iro.full_name} left the service on {long_date(iro.left_on)}: "
                "choose an active IRO"
            }
        )
    period = PeriodOfCare.objects.open().filter(child=child).first()
    if period is None:
        raise ValidationError({"iro": "The child is not looked after, so cannot be allocated"})
    not_in_future(start_date, field="start_date", what="The allocation start date")
    if start_date < period.start_date:
        raise ValidationError(
            {
                "start_date": "The allocation must start on or after "
                f"{child.full_name}'s period of care began on {long_date(period.start_date)}"
            }
        )
    current = Allocation.objects.open().filter(child=child).select_related("iro").first()
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
        current.save_by(by)
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


@transaction.atomic
def allocation_end(
    *,
    by: User,
    child: Child,
    end_date: date,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Allocation:
    """End a child's IRO allocation with no successor: they wait for an IRO from that day."""
    lock(child)
    current = Allocation.objects.open().filter(child=child).select_related("iro").first()
    if current is None:
        raise ValidationError({"iro": f"{child.full_name} has no IRO allocated"})
    not_in_future(end_date, field="end_date", what="The date the allocation ends")
    if end_date < current.start_date:
        raise ValidationError(
            {
                "end_date": "The allocation must end on or after it began on "
                f"{long_date(current.start_date)}"
            }
        )
    return _end_allocation(current, by=by, end_date=end_date, reason=reason, request=request)


@transaction.atomic
def caseload_reallocate(
    *,
    by: User,
    iro: User,
    seen: set[uuid.UUID],
    moves: Mapping[uuid.UUID, User | None],
    start_date: date,
    reason: str = "",
    request: HttpRequest | None = None,
) -> int:
    """Move every child `iro` holds: each to the IRO `moves` names, or (None) to the queue.

    `moves` is keyed by the public id of each open allocation, `seen` the ones the user was
    shown; if the IRO's caseload has changed since, nothing moves (EditConflictError). Each
    move is its own audited allocation or ending; if any is refused, none is made, and the
    refusals are keyed by the allocation's public id (hex), to show against each child.
    """
    held = {
        a.public_id: a
        for a in Allocation.objects.open()
        .filter(iro=iro)
        .select_for_update(of=("self",))
        .select_related("child", "iro")
        .order_by("child__last_name", "child__first_name", "pk")
    }
    if not set(held) == set(moves) == seen:
        raise EditConflictError(CONFLICT_MESSAGE.format(what=f"list of {iro.full_name}'s children"))
    errors: dict[str, list[str]] = {}
    for public_id, allocation in held.items():
        child, to = allocation.child, moves[public_id]
        try:
            with transaction.atomic():
                if to is None:
                    allocation_end(
                        by=by, child=child, end_date=start_date, reason=reason, request=request
                    )
                else:
                    allocation_make(
                        by=by,
                        child=child,
                        iro=to,
                        start_date=start_date,
                        reason=reason,
                        request=request,
                    )
        except ValidationError as error:
            errors[public_id.hex] = [f"{child.full_name}: {m}" for m in error.messages]
    if errors:
        raise ValidationError(errors)
    return len(held)


def _check_cover_dates(start_date: date, end_date: date | None) -> None:
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})


@transaction.atomic
def cover_update(
    *,
    by: User,
    cover: CoverArrangement,
    version: int,
    start_date: date,
    end_date: date | None,
    request: HttpRequest | None = None,
) -> CoverArrangement:
    """Change when cover starts or ends, refused if someone saved it since `version`."""
    locked = lock(cover, version=version, what="cover arrangement")
    _check_cover_dates(start_date, end_date)
    before = snapshot(locked)
    locked.start_date, locked.end_date = start_date, end_date
    locked.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.COVER_UPDATE,
        child=None,
        obj=locked,
        changes=changes_between(before, locked),
    )
    return locked


@transaction.atomic
def cover_end(
    *, by: User, cover: CoverArrangement, version: int, request: HttpRequest | None = None
) -> CoverArrangement:
    """End cover today: the covering IRO no longer sees the caseload from tomorrow."""
    locked = lock(cover, version=version, what="cover arrangement")
    today = timezone.localdate()
    if locked.start_date > today:
        raise ValidationError(
            f"This cover starts on {long_date(locked.start_date)}: change its dates instead"
        )
    if locked.end_date is not None and locked.end_date <= today:
        raise ValidationError(f"This cover already ended on {long_date(locked.end_date)}")
    before = snapshot(locked)
    locked.end_date = today
    locked.save_by(by)
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.COVER_END,
        child=None,
        obj=locked,
        changes=changes_between(before, locked),
    )
    return locked
