"""Taking the test database back to an earlier migration and forward again, for data tests."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

Node = tuple[str, str]


def migrate(targets: list[Node] | None = None) -> StateApps:
    """Migrate to `targets` (every app at its latest when None); the models as they stand there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest_but(*nodes: Node) -> list[Node]:
    """Every app at its latest migration, except the apps named, which stand at `nodes`."""
    held = dict(nodes)
    executor = MigrationExecutor(connection)
    return [(app, held.get(app, name)) for app, name in executor.loader.graph.leaf_nodes()]


@contextmanager
def migrated_back_to(targets: list[Node]) -> Iterator[StateApps]:
    """The models at `targets`; the database is always left at the latest migrations after."""
    try:
        yield migrate(targets)
    finally:
        migrate()
