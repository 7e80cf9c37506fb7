"""The reason for a placement change moves onto the episode that ended (SSDA903 rule 225).

Until now it was stored on the new episode. Each value moves to the child's previous episode
in the same period of care: the one whose end date is the new episode's start. A value with
no such episode (the first episode of a period) is cleared, and what it was is written to the
audit trail against the episode, so nothing is lost. Every episode row is kept.
"""

from collections.abc import Iterable
from typing import Any

from django.db import migrations, models

MOVED_BY = "children.0005_reason_place_change_on_ended_episode"


def _chains(episodes: Iterable[Any]) -> dict[tuple[int, Any], Any]:
    """Each episode by (period, end date): the episode a new one on that date follows."""
    return {(e.period_id, e.end_date): e for e in episodes if e.end_date is not None}


def forwards(apps: Any, schema_editor: Any) -> None:
    Episode = apps.get_model("children", "Episode")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    episodes = list(Episode.objects.order_by("period_id", "start_date", "pk"))
    ended_on = _chains(episodes)
    # Worked out from the values as stored before anything moves, so a chain of moves
    # shifts each reason back exactly one episode.
    wanted: dict[int, str] = {}
    lost: list[tuple[Any, str]] = []
    for episode in episodes:
        if not episode.reason_place_change:
            continue
        previous = ended_on.get((episode.period_id, episode.start_date))
        if previous is None or previous.pk == episode.pk:
            lost.append((episode, episode.reason_place_change))
        else:
            wanted[previous.pk] = episode.reason_place_change
    changed = []
    for episode in episodes:
        value = wanted.get(episode.pk, "")
        if episode.reason_place_change != value:
            episode.reason_place_change = value
            episode.version += 1
            changed.append(episode)
    Episode.objects.bulk_update(changed, ["reason_place_change", "version"], batch_size=2000)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                kind="change",
                action="episode.update",
                child_id=episode.child_id,
                object_type="episode",
                object_id=str(episode.public_id),
                changes={"reason_place_change": {"before": value, "after": ""}},
                detail={
                    "migration": MOVED_BY,
                    "why": "A reason for a placement change is recorded on the episode that "
                    "ended; this was the first episode of its period of care, so no episode "
                    "ended in that change",
                },
            )
            for episode, value in lost
        ],
        batch_size=2000,
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    Episode = apps.get_model("children", "Episode")
    episodes = list(Episode.objects.order_by("period_id", "start_date", "pk"))
    starting_on = {(e.period_id, e.start_date): e for e in episodes}
    wanted: dict[int, str] = {}
    for episode in episodes:
        if episode.reason_place_change and episode.end_date is not None:
            following = starting_on.get((episode.period_id, episode.end_date))
            if following is not None and following.pk != episode.pk:
                wanted[following.pk] = episode.reason_place_change
    changed = []
    for episode in episodes:
        value = wanted.get(episode.pk, "")
        if episode.reason_place_change != value:
            episode.reason_place_change = value
            episode.version += 1
            changed.append(episode)
    Episode.objects.bulk_update(changed, ["reason_place_change", "version"], batch_size=2000)


def _clear_misplaced(apps: Any, schema_editor: Any) -> None:
    """A reason on an episode that did not end in a change cannot satisfy the new constraint."""
    Episode = apps.get_model("children", "Episode")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    misplaced = list(
        Episode.objects.exclude(reason_place_change="").exclude(
            end_date__isnull=False, reason_ceased="X1"
        )
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                kind="change",
                action="episode.update",
                child_id=episode.child_id,
                object_type="episode",
                object_id=str(episode.public_id),
                changes={
                    "reason_place_change": {"before": episode.reason_place_change, "after": ""}
                },
                detail={
                    "migration": MOVED_BY,
                    "why": "The previous episode did not end in a change of placement (X1)",
                },
            )
            for episode in misplaced
        ]
    )
    Episode.objects.filter(pk__in=[e.pk for e in misplaced]).update(
        reason_place_change="", version=models.F("version") + 1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0004_shared_core"),
        ("audit", "0003_action_choices"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(_clear_misplaced, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="episode",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason_place_change", ""))
                | models.Q(("end_date__isnull", False), ("reason_ceased", "X1")),
                name="episode_place_change_reason_on_the_ended_episode",
            ),
        ),
    ]
