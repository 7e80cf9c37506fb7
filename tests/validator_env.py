"""The DfE validator's own tool environment (`.validator`, which `make test` builds; ADR 0019),
for the tests that run it: skipped with the reason when it is missing, failed under CI."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR_PYTHON = ROOT / ".validator" / "bin" / "python"


def validator_python_or_skip() -> Path:
    """The validator's interpreter; a skip saying how to build it, or under CI a failure."""
    if not VALIDATOR_PYTHON.exists():
        missing = (
            f"{VALIDATOR_PYTHON.relative_to(ROOT)} is missing: build the validator's tool "
            "environment with `make .validator/.synced` (`make test` does)"
        )
        if os.environ.get("CI"):
            pytest.fail(missing + " (CI is set: the validator must run)")
        pytest.skip(missing)
    return VALIDATOR_PYTHON
