"""Working days in England.

The Care Planning, Placement and Case Review (England) Regulations 2010, reg. 2(1), define a
working day as any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank
holiday in England and Wales under the Banking and Financial Dealings Act 1971. One-off bank
holidays (8 May 2020, 19 September 2022, 8 May 2023) and substitute days come from the
maintained `holidays` calendar, subdivision ENG.
"""

from datetime import date, timedelta
from functools import cache

import holidays

_ONE_DAY = timedelta(days=1)


@cache
def _non_working_days_in(year: int) -> frozenset[date]:
    """Christmas Day, Good Friday and bank holidays in England falling in `year` (BFDA 1971)."""
    # Neighbouring years are included so that a substitute day pushed across New Year would
    # still be found; the result is filtered back to `year` so each year is cached once.
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(year - 1, year + 2))
    return frozenset(day for day in calendar if day.year == year)


def is_working_day(day: date) -> bool:
    """Not a weekend, Christmas Day, Good Friday or bank holiday (CPPCR 2010, reg. 2(1))."""
    return day.weekday() < 5 and day not in _non_working_days_in(day.year)


def add_working_days(start: date, n: int) -> date:
    """The nth working day after `start`, `start` not counted (CPPCR 2010, reg. 2(1))."""
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}; use subtract_working_days")
    day = start
    while n:
        day += _ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def subtract_working_days(start: date, n: int) -> date:
    """The nth working day before `start`, `start` not counted (CPPCR 2010, reg. 2(1))."""
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}; use add_working_days")
    day = start
    while n:
        day -= _ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (CPPCR 2010, reg. 2(1))."""
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if is_working_day(day):
            count += 1
        day += _ONE_DAY
    return count
