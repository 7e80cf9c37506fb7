"""Children's tests share the day the root conftest's fixed clock stands on."""

from datetime import date

from tests.conftest import FIXED_NOW

TODAY: date = FIXED_NOW.date()
