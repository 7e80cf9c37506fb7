"""Time the 903 import beside the DfE's validator on the same files, with each one's peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iro_bench_100000 \\
        .venv/bin/python bench/ssda903.py [--year 2025-26] [--json]

The files are the year's return exported from the authority DATABASE_URL holds (`export_903`,
timed too). They are imported into a new empty database (iro_bench_import, migrated first) by
`import_903`, in a process of its own so its peak resident memory is its own; then the same
files are validated by the DfE's `lac_validator` (`.validator/bin/python
tests/validator/validate.py`, the tool environment `make test` builds). Prints seconds and peak
MB of each, and the rows of each table. Targets at 100,000 children: the import under 60 s and
2 GB, and faster than the validator.
"""

# A developer's tool: its commands are built from its own constants and arguments.
# ruff: noqa: S603, S607

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VALIDATOR = ROOT / ".validator" / "bin" / "python"
SCRATCH = "iro_bench_import"
ADMIN = "bench-import@council.example"


def server_of(url: str) -> str:
    return url.rsplit("/", 1)[0]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, the peak resident MB of that one process (os.wait4), and what it printed."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        printed, complaints = out.read(), err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(printed[-4000:] + complaints[-4000:])
        raise SystemExit(f"{' '.join(command[1:3])} failed")
    return seconds, usage.ru_maxrss / 1024, printed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", default="2025-26")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    source = os.environ["DATABASE_URL"]
    server = server_of(source)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "iro_service.settings.test"}
    manage = [PYTHON, "manage.py"]
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp)
        export_s, _, _ = timed([*manage, "export_903", "--year", args.year, "--output", tmp], env)
        paths = sorted(str(p) for p in files.glob("*.csv"))
        rows = {Path(p).stem: Path(p).read_text(encoding="utf-8").count("\n") - 1 for p in paths}
        megabytes = sum(Path(p).stat().st_size for p in paths) / 1e6
        for sql in (
            f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)',
            f'CREATE DATABASE "{SCRATCH}"',
        ):
            subprocess.run(
                ["psql", f"{server}/postgres", "-qc", sql], check=True, stdout=subprocess.DEVNULL
            )
        scratch = {**env, "DATABASE_URL": f"{server}/{SCRATCH}"}
        quiet = {"cwd": ROOT, "env": scratch, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([*manage, "migrate", "--verbosity", "0"], **quiet)  # type: ignore[call-overload]
        subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from tests.factories import AdminFactory; "
                f"AdminFactory(email={ADMIN!r}, full_name='Bench Import')",
            ],
            **quiet,  # the shell prints what it imported: stdout carries only the figures
        )
        import_s, import_mb, output = timed(
            [*manage, "import_903", *paths, "--year", args.year, "--by", ADMIN], scratch
        )
        again_s, _, again = timed(
            [*manage, "import_903", *paths, "--year", args.year, "--by", ADMIN], scratch
        )
        validate_s, validate_mb, report = timed(
            [str(VALIDATOR), "tests/validator/validate.py", tmp, args.year], env
        )
    errors = len(json.loads(report)["errors"])
    result = {
        "year": args.year,
        "rows": rows,
        "megabytes": round(megabytes, 1),
        "export_s": round(export_s, 1),
        "import_s": round(import_s, 1),
        "import_peak_mb": round(import_mb),
        "reimport_s": round(again_s, 1),
        "validator_s": round(validate_s, 1),
        "validator_peak_mb": round(validate_mb),
        "validator_errors": errors,
        "imported": output.strip().splitlines()[-1],
        "reimported": again.strip().splitlines()[:4],
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{args.year}: {rows} ({megabytes:.1f} MB)\n"
        f"export {export_s:.1f} s; import {import_s:.1f} s, peak {import_mb:.0f} MB; the same "
        f"files again {again_s:.1f} s; validator {validate_s:.1f} s, peak {validate_mb:.0f} MB, "
        f"{errors} errors"
    )


if __name__ == "__main__":
    main()
