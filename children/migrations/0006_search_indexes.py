"""Indexes for the children list, search and waiting list at national scale (issue 9, ADR 0013).

A name search is `UPPER(name) LIKE UPPER('%word%')` on three name fields: trigram GIN
indexes (PostgreSQL's pg_trgm) answer it without reading every child. A search by exact
reference reads the expression index on UPPER(child_ref). The list's first pages read the
name order index; who waits for an IRO is read from the open allocations' index alone.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.migration_ops import PostgreSQLOnly

NAMES = ("first_name", "last_name", "preferred_name")


class Migration(migrations.Migration):
    dependencies = [("children", "0005_reason_place_change_on_ended_episode")]

    operations = [
        migrations.RemoveIndex(model_name="child", name="children_ch_last_na_7fe854_idx"),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(
                condition=models.Q(archived_at__isnull=True),
                fields=["last_name", "first_name", "id"],
                name="child_name_order",
            ),
        ),
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(
                condition=models.Q(end_date__isnull=True),
                fields=["child", "start_date"],
                name="allocation_open_child_start",
            ),
        ),
        TrigramExtension(),
        PostgreSQLOnly(
            sql=[
                f"CREATE INDEX child_{name}_trgm ON children_child "
                f"USING gin (UPPER({name}) gin_trgm_ops)"
                for name in NAMES
            ]
            + ["CREATE INDEX child_ref_upper ON children_child (UPPER(child_ref))"],
            reverse_sql=[f"DROP INDEX child_{name}_trgm" for name in NAMES]
            + ["DROP INDEX child_ref_upper"],
        ),
    ]
