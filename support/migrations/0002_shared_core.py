"""Plans and matches take the shared date range (start_date, end_date); text gets its limits.

The constraints naming the old date columns go first and come back on the new names, so
no state ever holds a constraint on a column that is not there.
"""

import django.db.models.expressions
from django.db import migrations, models

import core.models


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [
        migrations.RenameIndex(
            model_name="advocacyreferral",
            new_name="support_adv_referre_51610e_idx",
            old_name="reviews_adv_referre_d9742a_idx",
        ),
        migrations.RenameIndex(
            model_name="independentvisitor",
            new_name="support_ind_approve_2e589f_idx",
            old_name="reviews_ind_approve_112bee_idx",
        ),
        migrations.RemoveConstraint(model_name="incontactplan", name="one_current_contact_plan"),
        migrations.RemoveConstraint(model_name="ivmatch", name="iv_match_ends_after_it_starts"),
        migrations.RemoveConstraint(model_name="ivmatch", name="one_open_iv_match_per_child"),
        migrations.RenameField(model_name="incontactplan", old_name="agreed_on", new_name="start_date"),
        migrations.RenameField(model_name="incontactplan", old_name="ended_on", new_name="end_date"),
        migrations.RenameField(model_name="ivmatch", old_name="started_on", new_name="start_date"),
        migrations.RenameField(model_name="ivmatch", old_name="ended_on", new_name="end_date"),
        migrations.AlterModelOptions(
            name="incontactplan", options={"ordering": ["-start_date", "-created_at"]}
        ),
        migrations.AlterModelOptions(name="ivmatch", options={"ordering": ["-start_date"]}),
        migrations.AlterField(
            model_name="incontactplan",
            name="end_date",
            field=models.DateField(blank=True, null=True, verbose_name="Date replaced"),
        ),
        migrations.AlterField(
            model_name="incontactplan",
            name="childs_words",
            field=core.models.BoundedTextField(blank=True, max_length=2000, verbose_name="In the child's own words"),
        ),
        migrations.AlterField(
            model_name="contactlog",
            name="note",
            field=core.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="advocacyreferral",
            name="reason",
            field=core.models.BoundedTextField(max_length=2000),
        ),
        migrations.AlterField(
            model_name="independentvisitor",
            name="notes",
            field=core.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AddConstraint(
            model_name="incontactplan",
            constraint=models.CheckConstraint(condition=models.Q(("end_date__isnull", True), ("end_date__gte", django.db.models.expressions.F("start_date")), _connector="OR"), name="incontactplan_ends_after_it_starts"),
        ),
        migrations.AddConstraint(
            model_name="incontactplan",
            constraint=models.UniqueConstraint(condition=models.Q(("end_date__isnull", True)), fields=("child",), name="one_current_contact_plan", violation_error_message="The child already has a current in-contact plan: change that plan instead"),
        ),
        migrations.AddConstraint(
            model_name="ivmatch",
            constraint=models.CheckConstraint(condition=models.Q(("end_date__isnull", True), ("end_date__gte", django.db.models.expressions.F("start_date")), _connector="OR"), name="ivmatch_ends_after_it_starts"),
        ),
        migrations.AddConstraint(
            model_name="ivmatch",
            constraint=models.UniqueConstraint(condition=models.Q(("end_date__isnull", True)), fields=("child",), name="one_open_iv_match_per_child", violation_error_message="The child was matched with an Independent Visitor by someone else at the same time: check and try again"),
        ),
    ]
