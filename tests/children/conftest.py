"""Children's pages run on a fixed clock: a Monday in June, so dates never depend on today."""

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine

TODAY = date(2024, 6, 3)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield
