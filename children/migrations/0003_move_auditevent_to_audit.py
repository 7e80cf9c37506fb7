"""AuditEvent moves to the audit app: the table is renamed, every row and key kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("children", "0002_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="auditevent", table="audit_auditevent"),
            ],
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
        ),
    ]
