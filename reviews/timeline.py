"""The child's timeline entries from reviews, RAG ratings and oversight."""

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from children.models import Child
from core.dates import long_date
from core.timeline import TimelineEntry, timeline_source
from reviews import services
from reviews.models import RagRating, Review, ReviewStatus, Timeliness

RAG_COLOURS = {"red": "red", "amber": "orange", "green": "green"}
TIMELINESS_TAGS = {
    Timeliness.LATE: ("Late", "red"),
    Timeliness.IN_TIME: ("In time", "green"),
    Timeliness.UNKNOWN: ("Timeliness unknown", "grey"),
}


def _due(review: Review, history_from: date | None) -> str:
    if review.due_date is not None:
        return f"Due {long_date(review.due_date)}"
    since = f": the history held starts on {long_date(history_from)}" if history_from else ""
    return f"Timeliness unknown{since}"


def _held_tag(review: Review) -> tuple[str, str]:
    if review.status != ReviewStatus.FINAL and review.timeliness != Timeliness.LATE:
        return "Draft", "grey"
    return TIMELINESS_TAGS[Timeliness(review.timeliness)]


def _follow_up(rag: RagRating) -> str:
    window = f"Follow up between {long_date(rag.follow_up_from)} and {long_date(rag.follow_up_due)}"
    if rag.followed_up_on:
        window += f"; followed up {long_date(rag.followed_up_on)}"
        if rag.follow_up_timing:
            window += f" ({rag.follow_up_timing})"
    elif rag.follow_up_ended_on:
        window += (
            f"; follow-up ended {long_date(rag.follow_up_ended_on)}: {rag.follow_up_ended_reason}"
        )
    return window + (f". Why this rating: {rag.reason}" if rag.reason else "")


@timeline_source
def review_entries(child: Child) -> Iterator[TimelineEntry]:
    history_from = services.history_starts_on(child.pk)
    for review in child.reviews.exclude(status=ReviewStatus.SCHEDULED).order_by():
        url = reverse("reviews:detail", args=[review.public_id])
        if review.status == ReviewStatus.CANCELLED:
            day = review.scheduled_for.date() if review.scheduled_for else review.created_at.date()
            yield TimelineEntry(
                day,
                "review",
                f"{review.get_kind_display()} cancelled",
                review.cancelled_reason,
                url,
                "Cancelled",
                "grey",
            )
        elif review.held_on:
            tag, colour = _held_tag(review)
            short_breaks = " (short breaks, reg. 48)" if not review.in_903_reviews else ""
            yield TimelineEntry(
                review.held_on,
                "review",
                f"{review.get_kind_display()} held{short_breaks}",
                f"{_due(review, history_from)}. {review.get_participation_display()}",
                url,
                tag,
                colour,
            )
    for rag in child.rag_ratings.order_by():
        yield TimelineEntry(
            rag.set_on,
            "rag",
            f"RAG rating set: {rag.get_rating_display()}",
            _follow_up(rag),
            tag=rag.get_rating_display(),
            tag_colour=RAG_COLOURS[rag.rating],
            sort_key=(1,),
        )
    for note in child.oversight_notes.select_related("author").order_by():
        yield TimelineEntry(
            note.noted_on,
            "oversight",
            note.get_kind_display(),
            f"{note.text[:200]} ({note.author})",
        )


@timeline_source
def care_entries(child: Child) -> Iterator[TimelineEntry]:
    for episode in child.episodes.order_by():
        title = (
            "Became looked after"
            if episode.reason_new_episode == "S"
            else f"Change: {episode.reason_new_episode_label}"
        )
        yield TimelineEntry(
            episode.start_date,
            "care",
            title,
            f"{episode.legal_status_label}; {episode.placement_type_label}",
        )
    for period in child.periods.exclude(end_date=None).order_by():
        assert period.end_date is not None  # filtered above
        yield TimelineEntry(
            period.end_date, "care", "Ceased to be looked after", period.reason_ceased_label
        )
    for allocation in child.allocations.select_related("iro").order_by():
        yield TimelineEntry(
            allocation.start_date, "allocation", f"Allocated to {allocation.iro}", allocation.reason
        )
