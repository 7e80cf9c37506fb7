"""Load test: gunicorn as in `make up`, on loopback, driven by locust headless.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iro_load100k \\
        .venv/bin/python bench/load.py --users 20 --users 100 --duration 60 [--workers 4]

Load a council first (`manage.py seed_demo --children N`). For each --workers count,
gunicorn starts with production settings (plain HTTP, as scripts/up.sh); for each --users
count, locust runs bench/locustfile.py for --duration seconds, every user up within
--spawn-seconds: 70% IROs (caseload, a child, the timeline, a review), 30% service managers
(home, children list and search, unallocated queue, cover, a child), each signed in once
and waiting 1 to 3 s between pages. Prints the machine's load average as each run began
(other work on the machine skews the figures), requests a second, p50/p95/p99 and errors for
every run, the slowest pages by p95 and any failures; gunicorn is stopped whatever happens.
"all" counts every request, the one sign-in a user makes included (slow by design:
PBKDF2, about 0.5 s of CPU each); "pages" counts every request but the sign-in; "steady"
the pages requested once every user had signed in, past the sign-in rush.
It runs ANALYZE first (seed_demo leaves no planner statistics, and autovacuum may be off),
and reads gunicorn's access log for where the workers' time went, queueing left out;
--keep DIR keeps locust's CSVs and gunicorn's logs.
A council seeded with test settings holds MD5 password hashes, which production refuses:
pass --rehash-passwords once to rehash them. As a Makefile target (DATABASE_URL set; the
recipe line starts with a tab):

    load: setup services
        $(PY) bench/load.py --users 20 --users 100 --duration 60 $(LOAD_ARGS)
"""

import argparse
import csv
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"


@dataclass
class Figures:
    """Requests a second, percentiles in milliseconds, request and error counts."""

    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    errors: int


@dataclass
class Run:
    """One locust run: every request, the pages alone (no sign-in), the five slowest pages."""

    workers: int
    users: int
    load_before: float  # the machine's 1-minute load average as the run began
    all: Figures
    pages: Figures
    steady: Figures | None  # the pages once every user had signed in (None: some never did)
    signed_in_after: float | None  # seconds from the start until the last sign-in
    slowest: list[dict[str, str]]
    failures: list[dict[str, str]]
    served: list[dict[str, str]] = field(default_factory=list)  # worker time by page
    server_cpu: float = 0.0  # CPU seconds gunicorn's workers used, the queue left at the end
    # included (PostgreSQL's not counted)


def server_env(database_url: str) -> dict[str, str]:
    """The environment of scripts/up.sh: production settings over plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "iro_service.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
    }


def staff(env: dict[str, str], *, rehash: bool) -> dict[str, str]:
    """The sign-ins and the council's size, read through Django in a child process.

    Runs ANALYZE first: seed_demo bulk-loads without it, and where autovacuum is off (as on
    this machine) the planner's row estimates stay near zero and the caseload's held-reviews
    query takes 100 times longer. With `rehash`, also set every active account's password to
    the demo's, hashed as production hashes.
    """
    script = """
import json, sys
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.db import connection
from children.demo import DEMO_PASSWORD
from children.models import Child
from iro_service.models import Role, User
with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would give
    cursor.execute("ANALYZE")
active = User.objects.active()
if REHASH:
    active.update(password=make_password(DEMO_PASSWORD))
iros = active.iros().filter(allocations__end_date=None).distinct().order_by("email")
managers = active.with_role(Role.MANAGER).order_by("email")
if not all(u.check_password(DEMO_PASSWORD) for u in (iros.first(), managers.first()) if u):
    sys.exit("The demo password does not sign in with production settings: a council seeded "
             "with test settings holds MD5 hashes, which production refuses. Rerun with "
             "--rehash-passwords to rehash every staff password with production's hasher.")
print(json.dumps({
    "LOAD_PASSWORD": DEMO_PASSWORD,
    "LOAD_IRO_EMAILS": ",".join(iros.values_list("email", flat=True)),
    "LOAD_MANAGER_EMAILS": ",".join(managers.values_list("email", flat=True)),
    "children": str(Child.objects.looked_after_now().count()),
}))
"""
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [VENV / "python", "-c", script.replace("REHASH", str(rehash))],
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr.decode().strip().splitlines()[-1])
    found: dict[str, str] = json.loads(out.stdout.decode().strip().splitlines()[-1])
    if not found["LOAD_IRO_EMAILS"] or not found["LOAD_MANAGER_EMAILS"]:
        raise SystemExit("No IRO with children or no manager: run manage.py seed_demo first")
    return found


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Poll `url` until it answers 200; fail if gunicorn exits or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def workers_cpu(master: int) -> float:
    """CPU seconds (user and system) used so far by gunicorn's workers, from /proc: a measure
    of the app's cost that other work on the machine does not inflate."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def settle(master: int, timeout: float = 60) -> None:
    """Wait until the workers are idle: locust leaves requests queued when it stops, and the
    workers serve them all before the next run should start."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = workers_cpu(master)
        time.sleep(1)
        if workers_cpu(master) - before < 0.05:
            return


def warm_up(url: str, workers: int) -> None:
    """Have every worker serve a page before the clock starts: each loads Django as it boots
    (about 2 s of CPU), and the first of them to answer says nothing of the others."""

    def get(_: int) -> bytes:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
            return response.read()

    with ThreadPoolExecutor(workers * 2) as pool:
        for _ in range(3):
            list(pool.map(get, range(workers * 2)))


def served(access_log: Path, offset: int) -> list[dict[str, str]]:
    """Time in the workers (queueing not counted) by page and status, from gunicorn's access
    log past `offset`: where the server's time goes, largest share first."""
    times: dict[str, list[float]] = {}
    with open(access_log, "rb") as f:
        f.seek(offset)
        for line in f.read().decode().splitlines():
            method, path, status, micros = line.split()
            key = f"{method} {re.sub(r'[0-9a-f-]{36}', '[id]', path)} {status}"
            times.setdefault(key, []).append(int(micros) / 1000)
    total = sum(map(sum, times.values())) or 1
    return [
        {
            "page": key,
            "count": str(len(ms)),
            "median": f"{statistics.median(ms):.0f}",
            "share": f"{100 * sum(ms) / total:.0f}%",
        }
        for key, ms in sorted(times.items(), key=lambda kv: -sum(kv[1]))
    ]


def read_run(prefix: Path, workers: int, users: int, load_before: float) -> Run:
    """The figures of one run from locust's `--csv` files."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(f"{prefix}_failures.csv", newline="") as f:
        failures = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    tally = json.loads(Path(f"{prefix}-pages.json").read_text())
    pages = sorted(
        (r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0)
    )
    return Run(
        workers=workers,
        users=users,
        load_before=load_before,
        all=Figures(
            rps=float(total["Requests/s"]),
            p50=float(total["50%"] or 0),
            p95=float(total["95%"] or 0),
            p99=float(total["99%"] or 0),
            requests=int(total["Request Count"]),
            errors=int(total["Failure Count"]),
        ),
        pages=Figures(**tally["pages"]),
        steady=Figures(**tally["steady"]) if tally["steady"] else None,
        signed_in_after=tally["signed_in_after"],
        slowest=[
            {
                k: r[k]
                for k in ("Type", "Name", "Request Count", "50%", "95%", "99%", "Max Response Time")
            }
            for r in pages[:5]
        ],
        failures=failures,
    )


def run_locust(
    env: dict[str, str], host: str, users: int, args: argparse.Namespace, prefix: Path
) -> None:
    """One headless locust run; exit status 1 (some request failed) is not an error here."""
    command: list[str | Path] = [
        VENV / "locust",
        "-f",
        ROOT / "bench" / "locustfile.py",
        "--headless",
        "--host",
        host,
        "--users",
        str(users),
        "--spawn-rate",
        f"{users / args.spawn_seconds:g}",
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with open(f"{prefix}-locust.log", "wb") as log:
        done = subprocess.run(  # noqa: S603 - our own venv's locust
            command, env=env, cwd=ROOT, check=False, stdout=log, stderr=subprocess.STDOUT
        )
    if done.returncode not in (0, 1) or not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust failed (exit status {done.returncode}), see {prefix}-locust.log")


def serve_and_load(args: argparse.Namespace, workers: int, temp: Path) -> list[Run]:
    """Start gunicorn with `workers` workers, run locust once per --users count, stop it."""
    env = server_env(args.database_url)
    found = staff(env, rehash=args.rehash_passwords)
    print(
        f"{int(found['children']):,} children looked after; "
        f"{found['LOAD_IRO_EMAILS'].count(',') + 1} IROs with children; "
        f"gunicorn --workers {workers} on port {args.port}",
        flush=True,
    )
    access_log = temp / f"access-w{workers}.log"
    log = open(temp / f"gunicorn-w{workers}.log", "wb")  # noqa: SIM115 - closed below
    bind = f"127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [
            VENV / "gunicorn",
            "iro_service.wsgi",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--no-control-socket",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",  # method, path, status, microseconds in the worker
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    host = f"http://127.0.0.1:{args.port}"
    runs = []
    try:
        wait_until_up(f"{host}/sign-in/", gunicorn)
        warm_up(f"{host}/sign-in/", workers)
        locust_env = env | {k: v for k, v in found.items() if k != "children"}
        for users in args.users:
            prefix = temp / f"w{workers}-u{users}"
            locust_env["LOAD_PAGES_JSON"] = f"{prefix}-pages.json"
            load_before, cpu_before = os.getloadavg()[0], workers_cpu(gunicorn.pid)
            offset = access_log.stat().st_size if access_log.exists() else 0
            run_locust(locust_env, host, users, args, prefix)
            runs.append(read_run(prefix, workers, users, load_before))
            settle(gunicorn.pid)
            runs[-1].server_cpu = workers_cpu(gunicorn.pid) - cpu_before
            runs[-1].served = served(access_log, offset)
            print_runs(runs[-1:], header=not runs[:-1])
    finally:
        if gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
                gunicorn.wait()
        log.close()
    return runs


def print_runs(runs: list[Run], *, header: bool = True) -> None:
    """The summary table: every request; the pages (no sign-in); the pages once all are in."""
    if header:
        print(
            f"{'workers':>7} {'users':>5} {'load':>5} {'counting':<9} {'req/s':>6} {'p50 ms':>7} "
            f"{'p95 ms':>7} {'p99 ms':>7} {'requests':>8} {'errors':>6}"
        )
    for r in runs:
        for label, f in (("all", r.all), ("pages", r.pages), ("steady", r.steady)):
            if f is None:
                print(f"{r.workers:>7} {r.users:>5} {r.load_before:>5.1f} {label:<9} not reached")
                continue
            print(
                f"{r.workers:>7} {r.users:>5} {r.load_before:>5.1f} {label:<9} {f.rps:>6.1f} {f.p50:>7.0f} "
                f"{f.p95:>7.0f} {f.p99:>7.0f} {f.requests:>8} {f.errors:>6}",
                flush=True,
            )


def print_details(runs: list[Run]) -> None:
    """Each run's slowest pages by p95, where the workers' time went, every failure."""
    for r in runs:
        after = f"{r.signed_in_after:.0f} s" if r.signed_in_after else "never, within the run"
        per = r.server_cpu * 1000 / max(r.all.requests, 1)
        print(
            f"\n{r.workers} workers, {r.users} users: all signed in after {after}; gunicorn "
            f"workers used {r.server_cpu:.1f} CPU-s ({per:.0f} ms a request); slowest by p95:"
        )
        print(f"  {'page':<32} {'count':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}")
        for s in r.slowest:
            name = f"{s['Type']} {s['Name']}"
            print(
                f"  {name:<32} {s['Request Count']:>6} {s['50%']:>6} {s['95%']:>6} "
                f"{s['99%']:>6} {float(s['Max Response Time']):>6.0f}"
            )
        print(f"  where the workers' time went ({'count':>5} {'median ms':>9} {'share':>5}):")
        for w in r.served[:6]:
            print(f"    {w['page']:<38} {w['count']:>5} {w['median']:>9} {w['share']:>5}")
        for f in r.failures:
            print(f"  FAILED {f['Occurrences']}x {f['Method']} {f['Name']}: {f['Error']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, action="append", help="repeatable (20 and 100)")
    parser.add_argument("--duration", type=int, default=60, help="seconds a run (60)")
    parser.add_argument("--workers", type=int, action="append", help="repeatable (4)")
    parser.add_argument("--spawn-seconds", type=float, default=10, help="ramp-up seconds (10)")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument(
        "--rehash-passwords",
        action="store_true",
        help="set every staff password to the demo's with production's hasher first",
    )
    parser.add_argument("--keep", type=Path, help="keep locust CSVs and gunicorn logs here")
    args = parser.parse_args()
    args.users = args.users or [20, 100]
    args.workers = args.workers or [4]
    args.database_url = os.environ.get("DATABASE_URL")
    if not args.database_url:
        raise SystemExit("Set DATABASE_URL to the database to load (seed it with seed_demo)")
    subprocess.run(  # noqa: S603 - our own interpreter
        [VENV / "python", "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=server_env(args.database_url),
        cwd=ROOT,
        check=True,
    )
    with tempfile.TemporaryDirectory(prefix="iro-load-") as tmp:
        temp = args.keep or Path(tmp)
        temp.mkdir(parents=True, exist_ok=True)
        runs = [r for w in args.workers for r in serve_and_load(args, w, temp)]
    print()
    print_runs(runs)
    print_details(runs)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2))
    sys.exit(1 if any(r.all.errors for r in runs) else 0)


if __name__ == "__main__":
    main()
