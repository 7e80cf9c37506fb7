"""The child's timeline entries from reviews, RAG ratings and oversight."""

from collections.abc import Iterator

from django.urls import reverse

from children.models import Child
from core.dates import long_date
from core.timeline import TimelineEntry, timeline_source
from reviews.models import ReviewStatus

RAG_COLOURS = {"red": "red", "amber": "orange", "green": "green"}


@timeline_source
def review_entries(child: Child) -> Iterator[TimelineEntry]:
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
            late = review.is_late
            yield TimelineEntry(
                review.held_on,
                "review",
                f"{review.get_kind_display()} held",
                f"Due {long_date(review.due_date)}. {review.get_participation_display()}",
                url,
                "Late" if late else ("In time" if review.status == ReviewStatus.FINAL else "Draft"),
                "red" if late else ("green" if review.status == ReviewStatus.FINAL else "grey"),
            )
    for rag in child.rag_ratings.order_by():
        yield TimelineEntry(
            rag.set_on,
            "rag",
            f"RAG rating set: {rag.get_rating_display()}",
            f"Follow up between {long_date(rag.follow_up_from)} and {long_date(rag.follow_up_due)}"
            + (f"; followed up {long_date(rag.followed_up_on)}" if rag.followed_up_on else ""),
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
