"""The support records move to the support app: tables renamed, every row and key kept."""

from django.db import migrations

# Dependants before what they point at, so the state never holds a dangling foreign key.
MOVED = ["contactlog", "incontactplan", "ivmatch", "ivreferral", "independentvisitor", "advocacyreferral"]


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_shared_core")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name, table=f"support_{name}") for name in MOVED
            ],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
