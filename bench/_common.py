"""What every benchmark script needs: its own throwaway database, Django set up on it, timing
statistics and a small table printer.

Import this module before anything from Django: ``bench_database()`` must set DATABASE_URL
before ``django.setup()`` reads the settings.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

#: A team with this slug marks a PostgreSQL database as one a benchmark created, so a later
#: run may drop it. A database without it is never dropped without --reset.
BENCH_TEAM_SLUG = "hamish-bench"


def _prepare_environment() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "reader.settings"
    # The benchmark runs Django's test client against development settings: with DEBUG off,
    # SECURE_SSL_REDIRECT would answer 301 and the manifest static storage would need
    # collectstatic. Both can still be overridden from the environment.
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("HAMISH_ALLOW_INSECURE_KEY", "1")


# --------------------------------------------------------------------------- databases


def _postgres_admin_url(url: str) -> tuple[str, str]:
    """The URL of the ``postgres`` maintenance database on the same server, and the name of
    the database in ``url``."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"The database URL {url!r} names no database.")
    admin = urlunsplit(
        (parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", parts.query, "")
    )
    return admin.replace("postgres://", "postgresql://", 1), name


def _postgres_prepare(url: str, *, reset: bool) -> None:
    """Create the database; first drop it if an earlier benchmark left it (or ``reset``).
    Any other existing database is refused, so a mistyped name cannot wipe real data."""
    import psycopg
    from psycopg import sql

    admin_url, name = _postgres_admin_url(url)
    if name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"Give the benchmark a database of its own, not {name!r}.")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reset:
            with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
                try:
                    ours = conn.execute(
                        "SELECT 1 FROM reader_team WHERE slug = %s", [BENCH_TEAM_SLUG]
                    ).fetchone()
                except psycopg.Error:
                    ours = None
            if not ours:
                raise SystemExit(
                    f"The database {name!r} exists and a benchmark did not create it. "
                    "Give another name, or --reset to drop it and start afresh."
                )
        if exists:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _postgres_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin_url, name = _postgres_admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def bench_database(
    database_url: str = "", *, keep: bool = False, reset: bool = False
) -> Iterator[str]:
    """Point Django at a database of the benchmark's own, set Django up and migrate.

    Without ``database_url``: a SQLite file in a new temporary directory. With a SQLite URL:
    that file, which must not exist yet (``reset`` deletes it). With a PostgreSQL URL: that
    database, created (or re-created, when an earlier benchmark left it) first. Deleted or
    dropped afterwards unless ``keep``. Yields the database URL.
    """
    _prepare_environment()
    tmpdir = ""
    sqlite_files: list[Path] = []
    if not database_url:
        tmpdir = tempfile.mkdtemp(prefix="hamish-bench-")
        database_url = f"sqlite:///{tmpdir}/bench.sqlite3"
    elif database_url.startswith(("postgres://", "postgresql://")):
        _postgres_prepare(database_url, reset=reset)
    elif database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///")).absolute()
        sqlite_files = [
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ]
        if path.exists() and path.stat().st_size and not reset:
            raise SystemExit(
                f"{path} already exists. Give a new file, or --reset to delete it first."
            )
        for file in sqlite_files:
            file.unlink(missing_ok=True)
    else:
        raise SystemExit("Only sqlite:/// and postgres:// database URLs are supported.")
    os.environ["DATABASE_URL"] = database_url

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    try:
        yield database_url
    finally:
        connections.close_all()
        if keep:
            pass
        elif tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif sqlite_files:
            for file in sqlite_files:
                file.unlink(missing_ok=True)
        else:
            _postgres_drop(database_url)


def versions() -> list[tuple[str, str]]:
    import django
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
        database = f"SQLite {sqlite3.sqlite_version} (journal_mode={journal})"
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = connection.vendor
    return [
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("Database", database),
        ("Machine", f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}"),
        # Other work on the machine moves the p95 most; the load says how busy it was.
        ("Load", " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"),
    ]


# --------------------------------------------------------------------------- timing


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of the values
    at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(times: Sequence[float]) -> tuple[float, float]:
    """Median and p95, in milliseconds."""
    return statistics.median(times) * 1000, percentile(times, 0.95) * 1000


def time_calls(call: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    import time

    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        # The first column is text (left-aligned), the others are numbers (right-aligned).
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )

    print(line(cells[0]))
    print("  ".join("-" * width for width in widths))
    for row in cells[1:]:
        print(line(row))


def bench_parser(doc: str) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark shares: its own database."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0])
    parser.add_argument(
        "--database-url",
        default="",
        help="a postgres:// URL for a database of the benchmark's own (created if missing), or "
        "sqlite:///PATH for a new file; default: a SQLite file in a temporary directory",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete the SQLite file, or drop the PostgreSQL database, first, even if a "
        "benchmark did not create it",
    )
    return parser
