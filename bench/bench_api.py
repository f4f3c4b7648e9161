"""Throughput of the W3C annotation API behind gunicorn, against GET /healthz as the ceiling.

    DEBUG=true HAMISH_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/bench_api.py
    .venv/bin/python bench/bench_api.py --database-url postgres://postgres@127.0.0.1:5432/hamish_bench_api

Seeds a throwaway database (a team, an annotator, one ~20,000-character Arabic article, an API
token), starts gunicorn (sync workers, production settings) on a free port of 127.0.0.1 and
sends the same number of requests, from a small pool of client threads, to:
  (a) GET /healthz: a view that answers "ok" without the database (the ceiling);
  (b) GET /api/: token authentication and a small JSON answer;
  (c) POST /api/articles/<id>/annotations/: one new annotation per request (W3C JSON-LD,
      highlights, entities and claims on random whole-word spans).
Prints requests per second and the median and p95 latency seen by the client. gunicorn is
stopped at the end whatever happens. See bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# _common sets the environment up; import it before anything from Django.
from _common import (
    BENCH_TEAM_SLUG,
    ROOT,
    bench_database,
    bench_parser,
    percentile,
    print_table,
    versions,
)
from bench_annotations import Words
from bench_reader import big_arabic_text, import_text

HOST = "127.0.0.1"  # loopback only
NOTES = ["يحتاج هذا إلى مصدر ثانٍ.", "راجع الرقم مع البيان الرسمي.", "Check the wire copy."]
#: Entities created before the run: bodies name them, so the API only looks them up (the
#: first mention of a new name would create it, and that is not what is measured here).
ENTITIES = [
    ("فلاديمير بوتين", "person", "Q7747"),
    ("دمشق", "place", "Q3766"),
    ("الأمم المتحدة", "organisation", "Q1065"),
    ("باراك أوباما", "person", "Q76"),
]


def parse_args() -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("-n", "--requests", type=int, default=500, help="requests per case")
    parser.add_argument("--threads", type=int, default=4, help="client threads (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument(
        "--conn-max-age",
        default="60",
        help="CONN_MAX_AGE for gunicorn (60, as README's deployment section advises; 0 opens "
        "a database connection per request)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=120,
        help="seconds per case; requests not started by then are skipped (120)",
    )
    parser.add_argument("--chars", type=int, default=20_000, help="size of the article")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed for the spans")
    args = parser.parse_args()
    if not 1 <= args.threads <= 32 or not 1 <= args.workers <= 16 or args.requests < 1:
        parser.error("use 1–32 threads, 1–16 workers and at least one request")
    return args


# --------------------------------------------------------------------------- data


def seed(chars: int):
    """Team, annotator, article, entities, token; returns (article, words, secret)."""
    from django.contrib.auth import get_user_model

    from reader.annotations import entity_search_key
    from reader.models import Entity, Label, LabelKind, Membership, Role, Team
    from reader.tokens import token_create

    team = Team.objects.create(name="Bench — هامش", slug=BENCH_TEAM_SLUG)
    owner = get_user_model().objects.create_user(username="bench-owner")
    Membership.objects.create(user=owner, team=team, role=Role.OWNER)
    member = get_user_model().objects.create_user(username="bench-annotator")
    Membership.objects.create(user=member, team=team, role=Role.ANNOTATOR)
    article = import_text(team, owner, big_arabic_text(chars).encode(), "api.txt")
    types = {label.slug: label for label in Label.objects.filter(team=team, kind=LabelKind.ENTITY)}
    for name, type_slug, wikidata in ENTITIES:
        entity = Entity(team=team, name=name, type=types[type_slug], wikidata_id=wikidata)
        entity.search_key = entity_search_key(entity)
        entity.save()
    _row, secret = token_create(user=member, name="bench")
    revision = article.current_revision
    return article, Words(revision.body, revision.blocks), secret


def annotation_bodies(article, words: Words, base: str, count: int, rng) -> list[bytes]:
    """``count`` W3C annotations on random whole-word spans: highlights (half with a note),
    entities (a third linked to a team entity) and claims (most with a verdict, half with a
    speaker), in turn."""
    from reader.models import Label, LabelKind

    body_text = article.current_revision.body
    source = f"{base}/articles/{article.pk}/"
    entity_types = list(
        Label.objects.filter(team=article.team, kind=LabelKind.ENTITY).values_list(
            "slug", flat=True
        )
    )
    verdicts = list(
        Label.objects.filter(team=article.team, kind=LabelKind.VERDICT).values_list(
            "slug", flat=True
        )
    )
    people = [name for name, type_slug, _q in ENTITIES if type_slug == "person"]
    out = []
    for n in range(count):
        start, end = words.random_span(rng)
        doc: dict = {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "target": {
                "source": source,
                "selector": [
                    {"type": "TextPositionSelector", "start": start, "end": end},
                    {"type": "TextQuoteSelector", "exact": body_text[start:end]},
                ],
            },
        }
        bodies: list[dict] = []
        kind = n % 3
        if kind == 0:
            doc["motivation"] = "highlighting"
            if rng.random() < 0.5:
                doc["motivation"] = "commenting"
                bodies.append(
                    {"type": "TextualBody", "purpose": "commenting", "value": rng.choice(NOTES)}
                )
        elif kind == 1:
            doc["motivation"] = "identifying"
            if rng.random() < 1 / 3:
                name, type_slug, wikidata = rng.choice(ENTITIES)
                bodies.append({"type": "TextualBody", "purpose": "tagging", "value": type_slug})
                bodies.append(
                    {
                        "type": "SpecificResource",
                        "purpose": "identifying",
                        "source": "http://www.wikidata.org/entity/" + wikidata,
                        "hamish:entity": {"name": name, "type": type_slug},
                    }
                )
            else:
                bodies.append(
                    {"type": "TextualBody", "purpose": "tagging", "value": rng.choice(entity_types)}
                )
        else:
            doc["motivation"] = "assessing"
            bodies.append(
                {"type": "TextualBody", "purpose": "describing", "value": body_text[start:end]}
            )
            if rng.random() < 0.7:
                bodies.append(
                    {"type": "TextualBody", "purpose": "assessing", "value": rng.choice(verdicts)}
                )
            if rng.random() < 0.5:
                doc["hamish:speaker"] = {"name": rng.choice(people)}
        if bodies:
            doc["body"] = bodies
        out.append(json.dumps(doc, ensure_ascii=False).encode())
    return out


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(database_url: str, port: int, workers: int, conn_max_age: str, log: Path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise SystemExit(f"{gunicorn} is missing: run scripts/setup.")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reader.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "HAMISH_ALLOW_INSECURE_KEY": "true",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": HOST,
        "HAMISH_BASE_URL": f"http://{HOST}:{port}",
        "CONN_MAX_AGE": conn_max_age,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [
        str(gunicorn),
        "reader.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--chdir",
        str(ROOT),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        "-",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop_gunicorn(server: subprocess.Popen) -> None:
    """SIGTERM to the master (it stops its workers), SIGKILL after 15 s."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def request(port: int, method: str, path: str, body: bytes | None, headers: dict):
    """One request on a new connection (sync workers close it after each response anyway);
    the status, the body and the seconds it took."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return response.status, data, time.perf_counter() - started


def wait_ready(server: subprocess.Popen, port: int, log: Path, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            status, _data, _t = request(port, "GET", "/healthz", None, {})
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {limit:g} s:\n{log.read_text()[-3000:]}")


def load(port: int, calls: list[tuple], threads: int, limit: float):
    """Send ``calls`` (method, path, body, headers, expected status) from ``threads`` threads;
    latencies of the expected answers, wall seconds, statuses, one unexpected answer."""
    lock = threading.Lock()
    queue = iter(calls)
    times: list[float] = []
    statuses: collections.Counter = collections.Counter()
    unexpected: list[str] = []
    deadline = time.monotonic() + limit

    def worker():
        while time.monotonic() < deadline:
            with lock:
                call = next(queue, None)
            if call is None:
                return
            method, path, body, headers, expect = call
            try:
                status, data, seconds = request(port, method, path, body, headers)
            except OSError as error:
                status, data, seconds = f"{type(error).__name__}", b"", 0.0
            with lock:
                statuses[status] += 1
                if status == expect:
                    times.append(seconds)
                elif not unexpected:
                    unexpected.append(f"{status}: {data[:300]!r}")

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(limit + 60)
    return times, time.perf_counter() - started, statuses, unexpected


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="hamish-bench-api-"))
    log = workdir / "gunicorn.log"
    try:
        with bench_database(args.database_url, keep=args.keep, reset=args.reset) as url:
            from django.db import connections

            from reader.models import Annotation

            article, words, secret = seed(args.chars)
            info = versions()
            port = free_port()
            base = f"http://{HOST}:{port}"
            warmup = 4 * args.workers
            bodies = annotation_bodies(article, words, base, warmup + args.requests, rng)
            connections.close_all()  # nothing of ours stays open on the database

            auth = {"Authorization": f"Bearer {secret}"}
            post_headers = {**auth, "Content-Type": "application/ld+json"}
            container = f"/api/articles/{article.pk}/annotations/"
            cases = [
                ("GET /healthz", lambda i: ("GET", "/healthz", None, {}, 200)),
                ("GET /api/ (token)", lambda i: ("GET", "/api/", None, auth, 200)),
                (
                    "POST …/annotations/",
                    lambda i: ("POST", container, bodies[i], post_headers, 201),
                ),
            ]
            server = start_gunicorn(url, port, args.workers, args.conn_max_age, log)
            rows, problems = [], []
            try:
                wait_ready(server, port, log)
                posted = 0
                for label, make in cases:
                    # Warm up every worker: imports, URL resolver, translations, connections.
                    _t, _w, statuses, unexpected = load(
                        port, [make(i) for i in range(warmup)], args.threads, args.time_limit
                    )
                    if unexpected:
                        raise SystemExit(f"{label}: warm-up answered {unexpected[0]}")
                    first = warmup
                    calls = [make(first + i) for i in range(args.requests)]
                    times, wall, statuses, unexpected = load(
                        port, calls, args.threads, args.time_limit
                    )
                    if label.startswith("POST"):
                        posted = warmup + statuses[201]
                    done = sum(statuses.values())
                    errors = done - len(times)
                    if unexpected:
                        problems.append(f"{label}: {dict(statuses)}; first: {unexpected[0]}")
                    if done < args.requests:
                        problems.append(f"{label}: {done} of {args.requests} sent in time")
                    rows.append(
                        (
                            label,
                            done,
                            f"{len(times) / wall:.0f}",
                            f"{1000 * sorted(times)[len(times) // 2]:.1f}" if times else "–",
                            f"{1000 * percentile(times, 0.95):.1f}" if times else "–",
                            errors,
                        )
                    )
            finally:
                stop_gunicorn(server)
            stored = Annotation.objects.filter(article=article).count()
            connections.close_all()

            for name, value in info:
                print(f"{name + ':':<10} {value}")
            print(f"{'URL:':<10} {url}")
            print(
                f"{'Server:':<10} gunicorn, {args.workers} sync workers, {base}, DEBUG=false, "
                f"CONN_MAX_AGE={args.conn_max_age}; {args.threads} client threads, "
                "a new connection per request"
            )
            print(
                f"{'Article:':<10} {len(article.current_revision.body):,} chars, "
                f"{len(words):,} words"
            )
            print()
            print_table(("case", "n", "req/s", "median ms", "p95 ms", "errors"), rows)
            if rows and rows[0][2] != "0":
                ceiling = float(rows[0][2])
                print()
                for row in rows[1:]:
                    print(f"{row[0]}: {100 * float(row[2]) / ceiling:.0f}% of the /healthz rate")
            print(f"annotations stored: {stored:,} (expected {posted:,})")
            if stored != posted:
                problems.append(f"{stored} annotations stored, {posted} created")
            if problems:
                print()
                print("\n".join(problems))
                print(f"\ngunicorn log (last lines):\n{log.read_text()[-2000:]}")
                raise SystemExit(1)
    finally:
        log.unlink(missing_ok=True)
        workdir.rmdir()


if __name__ == "__main__":
    main()
