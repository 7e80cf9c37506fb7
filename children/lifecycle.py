"""What every app does when a child's care ends: one explicit list of steps, run in order.

An app registers its step (in its AppConfig.ready()) with `@on_care_ended`; the service that
ends a period of care calls `care_ended()` inside its own transaction, so the end of care
and everything it closes stand or fall together. Steps run in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from children.models import Child, PeriodOfCare
    from iro_service.models import User


@dataclass(frozen=True)
class CareEnded:
    """A child ceased to be looked after on `on`: their period of care is closed."""

    child: "Child"
    period: "PeriodOfCare"
    on: date
    by: "User"
    request: HttpRequest | None = None


CareEndedStep = Callable[[CareEnded], None]
_steps: list[CareEndedStep] = []


def on_care_ended(step: CareEndedStep) -> CareEndedStep:
    """Register a step to run when a child's care ends (an app's cancellations, closures)."""
    if step not in _steps:
        _steps.append(step)
    return step


def care_ended(event: CareEnded) -> None:
    """Run every registered step for `event`; call inside the transaction that ends care."""
    for step in _steps:
        step(event)
