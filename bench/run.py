"""`make bench`: build authorities of each size once, then time every page on each.

    .venv/bin/python bench/run.py [--sizes 626 20000 100000] [--repeat 30] [--rebuild]

Each size is its own PostgreSQL database, iro_bench_<size>, built by `seed_demo` with ten
years of history (2 worker processes) and kept between runs: it is rebuilt only when the
code that generates it or the migrations change (a fingerprint of those files is kept as the
database's comment) or with --rebuild. After building, `scan_alerts` raises the alerts as on
the fixed day (once: the scan writes rows) and `check_integrity` proves the data keeps the
record integrity rules. Then bench/pages.py times each page on each database and
one table is printed: median and 95th percentile server milliseconds, SQL queries, and the
multiple of the reference view's time, for each size side by side; and bench/report.py
times the annual report's build beside one bare aggregate pass over the same rows;
bench/alerts.py times the alerts scan (a first scan on no alerts, then the steady state); and
from 20,000 children bench/ssda903.py times the 903 import of the year's exported return
beside the DfE's validator on the same files.
"""

# A developer's tool: its commands and SQL are built from its own constants and sizes.
# ruff: noqa: S603, S607, S608

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
TODAY = "2026-11-30"  # fixed, so every build of a size is the same authority
SEED_OPTIONS = ("--history-years", "10", "--jobs", "2")
IMPORT_FROM = 20_000  # the 903 import is timed at 20,000 and 100,000 children
GENERATOR = [
    "children/demo.py",
    "reviews/demo.py",
    "support/demo.py",
    "escalations/demo.py",
    "iro_service/demo.py",
    "iro_service/scale.py",
    "core/bulk.py",
    "reviews/services.py",
    "alerts/services.py",
    "alerts/conditions.py",
    "alerts/rules.py",
    "reporting/demo.py",
]


def fingerprint(size: int) -> str:
    """What the database at `size` was built from: the generator, the migrations, the size."""
    digest = hashlib.sha256(f"{size} {TODAY}".encode())
    files = [ROOT / f for f in GENERATOR] + sorted(ROOT.glob("*/migrations/0*.py"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", f"{SERVER}/{database}", "-Atqc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def env_for(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DJANGO_SETTINGS_MODULE": "iro_service.settings.test",
        "PYTHONUNBUFFERED": "1",
    }


def ensure(size: int, *, rebuild: bool) -> str:
    """The database holding the authority of `size`, built if missing or out of date."""
    database = f"iro_bench_{size}"
    wanted = fingerprint(size)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"
    if exists and not rebuild:
        comment = psql(
            f"SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{database}'"
        )
        if comment == wanted:
            print(f"{size:,} children: cached in {database}", file=sys.stderr)
            # Installed apps' own migrations (django-axes) are not in the fingerprint.
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--verbosity", "0"],
                cwd=ROOT,
                env=env_for(database),
                check=True,
            )
            return database
    if exists:
        psql(f'DROP DATABASE "{database}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{database}"')
    env = env_for(database)
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "seed_demo", "--children", str(size), "--today", TODAY, *SEED_OPTIONS],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=sys.stderr,
    )
    print(f"{size:,} children built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # Scanned once, as on the fixed day, so the alert pages and counts have alerts to show;
    # the scan writes rows, so it belongs to the build, never to a timing.
    subprocess.run(
        [*manage, "scan_alerts", "--today", TODAY, "--summary"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=sys.stderr,
    )
    psql("VACUUM ANALYZE", database)
    subprocess.run([*manage, "check_integrity"], cwd=ROOT, env=env, check=True, stdout=sys.stderr)
    psql(f"COMMENT ON DATABASE \"{database}\" IS '{wanted}'")
    return database


def figures_of(database: str, script: str, *args: str) -> dict:
    """What one benchmark script prints as JSON, run on `database`."""
    done = subprocess.run(
        [PYTHON, script, *args, "--json"],
        cwd=ROOT,
        env=env_for(database),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[626, 20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    runs, reports, scans, imports = [], [], [], []
    for size in args.sizes:
        database = ensure(size, rebuild=args.rebuild)
        runs.append(figures_of(database, "bench/pages.py", "--repeat", str(args.repeat)))
        reports.append(figures_of(database, "bench/report.py"))
        scans.append(figures_of(database, "bench/alerts.py"))
        if size >= IMPORT_FROM:
            imports.append(figures_of(database, "bench/ssda903.py") | {"children": size})
    print(table(runs, args.repeat))
    print()
    print(report_table(reports))
    print()
    print(alerts_table(scans))
    if imports:
        print()
        print(import_table(imports))


def import_table(imports: list[dict]) -> str:
    """The 903 import of each authority's exported return beside the DfE validator."""
    lines = [
        "SSDA903 (bench/ssda903.py): the year's return exported, imported into an empty app, "
        "imported again, and validated by lac_validator; seconds and peak MB",
        f"{'children':>10} {'year':>8} {'Header':>8} {'Episodes':>9} {'Reviews':>8} "
        f"{'export s':>9} {'import s':>9} {'peak MB':>8} {'again s':>8} {'validator s':>12} "
        f"{'peak MB':>8}",
    ]
    for r in imports:
        rows = r["rows"]
        lines.append(
            f"{r['children']:>10,} {r['year']:>8} {rows['header']:>8,} {rows['episodes']:>9,} "
            f"{rows['reviews']:>8,} {r['export_s']:>9.1f} {r['import_s']:>9.1f} "
            f"{r['import_peak_mb']:>8} {r['reimport_s']:>8.1f} {r['validator_s']:>12.1f} "
            f"{r['validator_peak_mb']:>8}"
        )
    return "\n".join(lines)


def table(runs: list[dict], repeat: int) -> str:
    """One row a page; for each size: median ms, p95 ms, queries, multiple of the reference."""
    sizes = [f"{run['looked_after']:,} children" for run in runs]
    head = f"{'page':<40}" + "".join(f" | {s:^26}" for s in sizes)
    sub = f"{'':<40}" + " | median   p95  queries  x ref" * len(runs)
    lines = [f"{repeat} requests a page, server time in ms (in process)", head, sub]
    for i, row in enumerate(runs[0]["pages"]):
        cells = []
        for run in runs:
            page = run["pages"][i]
            cells.append(
                f" | {page['median']:>6.0f} {page['p95']:>5.0f} {page['queries']:>8} "
                f"{page['ratio']:>6.1f}"
            )
        label = row["page"] if not row["page"].startswith("IRO caseload") else "IRO caseload"
        lines.append(f"{label:<40}" + "".join(cells))
    return "\n".join(lines)


def report_table(reports: list[dict]) -> str:
    """The annual report's build at each size beside one bare aggregate pass over its rows."""
    lines = [
        "Annual report (bench/report.py): figures of the year and the year before, the whole "
        "edition, and the floor",
        f"{'children':>10} {'year':>8} {'figures s':>10} {'queries':>8} {'peak MB':>8} "
        f"{'edition s':>10} {'floor s':>8} {'rows read':>11} {'x floor':>8}",
    ]
    for r in reports:
        lines.append(
            f"{r['children']:>10,} {r['year']:>8} {r['figures_median_s']:>10.2f} "
            f"{r['figures_queries']:>8} {r['figures_peak_python_mb']:>8.1f} "
            f"{r['edition_build_s']:>10.1f} {r['floor_s']:>8.2f} {r['floor_rows']:>11,} "
            f"{r['ratio_to_floor']:>8}"
        )
    return "\n".join(lines)


def alerts_table(scans: list[dict]) -> str:
    """The alerts scan at each size: the first scan, the steady one, and the slowest reads."""
    lines = [
        f"Alerts scan (bench/alerts.py) as on {TODAY}: the first on no alerts, the steady one "
        "straight after, median seconds, and the slowest kinds or shared reads",
        f"{'children':>10} {'looked after':>12} {'first s':>8} {'queries':>8} {'steady s':>9} "
        f"{'queries':>8} {'open':>7} {'peak MB':>8}  slowest (s)",
    ]
    for s in scans:
        reads = [(f"scope.{r['read']}", r["seconds"]) for r in s["shared"]]
        reads += [(k["kind"], k["seconds"]) for k in s["kinds"]]
        slowest = sorted(reads, key=lambda read: -read[1])[:3]
        lines.append(
            f"{s['children']:>10,} {s['looked_after']:>12,} {s['first_median_s']:>8.2f} "
            f"{s['first_queries']:>8} {s['steady_median_s']:>9.2f} {s['steady_queries']:>8} "
            f"{s['open']:>7,} {s['python_peak_mb'] or 0:>8.1f}  "
            + ", ".join(f"{name} {seconds:.2f}" for name, seconds in slowest)
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
