"""Reader page with many annotations, and annotation creation latency, on a throwaway database.

    DEBUG=true HAMISH_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/bench_annotations.py
    .venv/bin/python bench/bench_annotations.py --database-url postgres://postgres@127.0.0.1:5432/hamish_bench_ann

Measures, through Django's test client (the whole middleware stack, no network) and the
service layer:
  (a) the reader page ``/articles/<id>/`` of a ~20,000-character Arabic article carrying
      0, 1,000 and 5,000 approved annotations (bulk-inserted; a third of them built to
      cross another one), logged in as the team owner;
  (b) creating an annotation: through ``reader.annotations.annotation_create`` (each call
      its own transaction) and through ``POST /articles/<id>/annotations/new/``.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# _common sets the environment up; import it before anything from Django.
from _common import (
    BENCH_TEAM_SLUG,
    bench_database,
    bench_parser,
    print_table,
    summarise,
    versions,
)
from bench_reader import big_arabic_text, import_text, measure

#: The 5,000/1,000 ratio of the reader page's median time should stay under this.
RATIO_TARGET = 5.0


def parse_args() -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument(
        "-n", "--requests", type=int, default=20, help="timed reader requests per count"
    )
    parser.add_argument(
        "--counts",
        default="0,1000,5000",
        help="annotation counts for the reader page, comma-separated (default: 0,1000,5000)",
    )
    parser.add_argument(
        "--creations", type=int, default=500, help="timed creations per path (service, HTTP)"
    )
    parser.add_argument(
        "--chars", type=int, default=20_000, help="size of the article, in characters"
    )
    parser.add_argument("--seed", type=int, default=20240601, help="random seed for the spans")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile (cProfile) reader requests at the largest count and print the "
        "top functions",
    )
    return parser.parse_args()


# --------------------------------------------------------------------------- spans


class Words:
    """The body's words (runs of non-space) whose both ends are grapheme boundaries, with the
    block each lies in, so that spans can be drawn from whole words of one block."""

    def __init__(self, body: str, blocks: list[list]):
        from reader.text.graphemes import is_grapheme_boundary

        block_starts = [b[0] for b in blocks]
        self.spans: list[tuple[int, int]] = []
        self.block: list[int] = []
        b = 0
        for m in re.finditer(r"\S+", body):
            start, end = m.span()
            if not (is_grapheme_boundary(body, start) and is_grapheme_boundary(body, end)):
                continue
            while b + 1 < len(block_starts) and block_starts[b + 1] <= start:
                b += 1
            self.spans.append((start, end))
            self.block.append(b)

    def __len__(self) -> int:
        return len(self.spans)

    def last_in_block(self, i: int, j: int) -> int:
        """``j`` pulled back so that words ``i..j`` stay in word ``i``'s block."""
        j = min(j, len(self.spans) - 1)
        while self.block[j] != self.block[i]:
            j -= 1
        return j

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.spans[i][0], self.spans[j][1]

    def random_span(self, rng: random.Random, max_words: int = 4) -> tuple[int, int]:
        i = rng.randrange(len(self.spans))
        j = self.last_in_block(i, i + rng.randrange(max_words))
        return self.span(i, j)


def layout(words: Words, count: int, rng: random.Random) -> list[tuple[int, int]]:
    """``count`` spans as word index pairs: two thirds "base" spans, disjoint while the body
    has room for them (a tiling of 1–3 words, then of single words, then repeats), and one
    third each built to cross a base span (it starts inside it and ends past it)."""
    n_cross = count // 3
    n_base = count - n_cross
    if not n_base:
        return []
    slots: list[tuple[int, int]] = []
    for widest in (3, 1):
        slots, i = [], 0
        while i < len(words):
            j = words.last_in_block(i, i + rng.randrange(widest))
            slots.append((i, j))
            i = j + 1
        if len(slots) >= n_base:
            break
    if len(slots) >= n_base:
        base = rng.sample(slots, n_base)
    else:  # denser than one annotation per word: some base spans repeat
        base = slots + [rng.choice(slots) for _ in range(n_base - len(slots))]
    crossing = []
    for _ in range(n_cross):
        i, j = rng.choice(base)
        end = words.last_in_block(i, j + 1 + rng.randrange(2))
        if end > j:  # starts inside the base span, ends past it
            crossing.append((rng.randint(i, j) if j > i else i, end))
        elif i > 0 and words.block[i - 1] == words.block[i]:
            # The base span ends its block: start one word before it instead.
            crossing.append((i - 1, rng.randint(i, j)))
        else:  # a block of one span: the same span again
            crossing.append((i, j))
    return base + crossing


def overlapping_share(spans: list[tuple[int, int]]) -> float:
    """The share of spans (character offsets) that intersect at least one other span."""
    if len(spans) < 2:
        return 0.0
    ordered = sorted(spans)
    hits, max_end = 0, -1
    for k, (start, end) in enumerate(ordered):
        after = k + 1 < len(ordered) and ordered[k + 1][0] < end
        if max_end > start or after:
            hits += 1
        max_end = max(max_end, end)
    return hits / len(ordered)


def fill_annotations(article, revision, user, count: int, words: Words, rng: random.Random):
    """Replace the article's annotations with ``count`` approved ones (bulk insert)."""
    from django.db import connection, transaction

    from reader.models import Annotation, AnnotationKind, Label, LabelKind, Status
    from reader.text.anchoring import make_selector

    entity_label = Label.objects.filter(team=article.team, kind=LabelKind.ENTITY).first()
    verdict = Label.objects.filter(team=article.team, kind=LabelKind.VERDICT).first()
    body = revision.body
    rows, offsets = [], []
    for n, (i, j) in enumerate(layout(words, count, rng)):
        start, end = words.span(i, j)
        selector = make_selector(body, start, end)
        kind = (AnnotationKind.HIGHLIGHT, AnnotationKind.ENTITY, AnnotationKind.CLAIM)[n % 3]
        rows.append(
            Annotation(
                article=article,
                revision=revision,
                author=user,
                kind=kind,
                start=start,
                end=end,
                exact=selector.exact,
                prefix=selector.prefix,
                suffix=selector.suffix,
                label=entity_label if kind == AnnotationKind.ENTITY else None,
                claim_text=selector.exact if kind == AnnotationKind.CLAIM else "",
                verdict=verdict if kind == AnnotationKind.CLAIM and n % 2 else None,
                status=Status.APPROVED,
            )
        )
        offsets.append((start, end))
    with transaction.atomic():
        Annotation.objects.filter(article=article).delete()
        Annotation.objects.bulk_create(rows, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reader_annotation")
    return overlapping_share(offsets)


# --------------------------------------------------------------------------- measures


#: Request plumbing that wraps the whole request: left out of the profile table.
_PLUMBING = re.compile(
    r"^(test/|handlers/|utils/deprecation|whitenoise/|django_htmx/|reader/middleware"
    r"|auth/decorators|django/shortcuts|template/loader\.py|backends/django"
    r"|template/base\.py:(NodeList\.|Node\.render_annotated|Template\._?render)"
    r"|template/loader_tags)"
)


def _qualified(file: str, line: int, name: str) -> str:
    """``dir/file.py:Class.name``: the class is the nearest ``class`` line above ``line``."""
    path = Path(file)
    where = f"{path.parent.name}/{path.name}:"
    if line and path.suffix == ".py" and path.exists():
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[:line]
        if lines and lines[-1].startswith(("def ", "async def ")):
            return where + name  # a module-level function
        for text in reversed(lines[:-1]):
            if text.startswith("class "):
                return where + re.split(r"[(:]", text[6:], maxsplit=1)[0] + "." + name
            if text.startswith("def "):
                break
    return where + name


def profile_reader(client, url: str, requests: int = 5, top: int = 30) -> list[str]:
    """cProfile ``requests`` reader requests; the lines of a table of the top functions by
    cumulative time (request plumbing left out), as shares of the total."""
    import contextlib
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(cum for (_cc, _n, _tt, cum, _callers) in stats.stats.values())  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (_cc, calls, own, cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = _qualified(file, line, name)
        if not _PLUMBING.search(where):
            rows.append((cum, own, calls // requests, where))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print(f"cProfile of {requests} requests to {url} ({total:.2f} s under the profiler)")
        print_table(
            ("function (by cumulative time)", "cum %", "own %", "calls/request"),
            [
                (where, f"{100 * cum / total:.1f}", f"{100 * own / total:.1f}", calls)
                for cum, own, calls, where in sorted(rows, reverse=True)[:top]
            ],
        )
    return out.getvalue().splitlines()


def create_through_service(article, membership, words: Words, rng, repeat: int):
    """Median and p95 ms of ``annotation_create``, and the queries of one call."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from reader.annotations import annotation_create

    body = article.current_revision.body
    number = article.current_revision.number

    def create():
        start, end = words.random_span(rng)
        return annotation_create(
            article=article,
            membership=membership,
            kind="highlight",
            start=start,
            end=end,
            exact=body[start:end],
            revision=number,
        )

    for _ in range(3):
        create()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        create()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        create()
        times.append(time.perf_counter() - started)
    return (*summarise(times), len(captured))


def create_through_http(client, article, words: Words, rng, repeat: int):
    """Median and p95 ms of ``POST /articles/<id>/annotations/new/``, queries of one."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    url = f"/articles/{article.pk}/annotations/new/"
    body = article.current_revision.body
    number = article.current_revision.number

    def post():
        start, end = words.random_span(rng)
        data = {
            "kind": "highlight",
            "start": start,
            "end": end,
            "exact": body[start:end],
            "revision": number,
        }
        response = client.post(url, data)
        assert response.status_code == 201, (response.status_code, response.content[:300])

    for _ in range(3):
        post()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        post()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        post()
        times.append(time.perf_counter() - started)
    return (*summarise(times), len(captured))


def main() -> None:
    args = parse_args()
    counts = [int(c) for c in args.counts.split(",") if c.strip()]
    rng = random.Random(args.seed)
    with bench_database(args.database_url, keep=args.keep, reset=args.reset) as url:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from reader.access import get_article_for_user
        from reader.models import Annotation, Membership, Role, Team

        team = Team.objects.create(name="Bench — هامش", slug=BENCH_TEAM_SLUG)
        owner = get_user_model().objects.create_user(username="bench-owner")
        Membership.objects.create(user=owner, team=team, role=Role.OWNER)

        text = big_arabic_text(args.chars)
        article = import_text(team, owner, text.encode(), "annotated.txt")
        revision = article.current_revision
        words = Words(revision.body, revision.blocks)

        client = Client(HTTP_HOST="localhost")
        client.force_login(owner)
        page = f"/articles/{article.pk}/"

        reader_rows, medians, queries = [], {}, {}
        for count in counts:
            share = fill_annotations(article, revision, owner, count, words, rng)
            assert Annotation.objects.filter(article=article).count() == count
            median, p95, n_queries, kb = measure(client, page, args.requests, "data-article-body")
            medians[count], queries[count] = median, n_queries
            reader_rows.append(
                (
                    f"reader: {count:,} annotations",
                    f"{100 * share:.0f}%",
                    args.requests,
                    f"{median:.1f}",
                    f"{p95:.1f}",
                    n_queries,
                    f"{kb:,.0f}",
                )
            )
        profile = []
        if args.profile and counts:
            profile = profile_reader(client, page)  # at the last (largest) count

        # (b) creation: start from an article without annotations.
        Annotation.objects.filter(article=article).delete()
        article, membership = get_article_for_user(owner, article.pk)
        service = create_through_service(article, membership, words, rng, args.creations)
        http = create_through_http(client, article, words, rng, args.creations)
        create_rows = [
            ("create: service annotation_create", args.creations, *_fmt(service)),
            ("create: POST …/annotations/new/", args.creations, *_fmt(http)),
        ]

        for name, value in versions():
            print(f"{name + ':':<10} {value}")
        print(f"{'URL:':<10} {url}")
        print(
            f"{'Article:':<10} {len(revision.body):,} chars, {len(revision.blocks)} blocks, "
            f"{len(words):,} words"
        )
        print()
        print_table(
            ("case", "overlapping", "n", "median ms", "p95 ms", "queries", "KB"), reader_rows
        )
        if 1000 in medians and 5000 in medians and medians[1000]:
            ratio = medians[5000] / medians[1000]
            verdict = "OK" if ratio < RATIO_TARGET else "TOO SLOW"
            print(f"\ntime(5000)/time(1000) = {ratio:.2f}  (target < {RATIO_TARGET:g}: {verdict})")
        constant = len(set(queries.values())) == 1
        print(
            "queries per request: "
            + ", ".join(f"{c:,} → {q}" for c, q in queries.items())
            + ("  (constant)" if constant else "  (GROWS with the annotations)")
        )
        print()
        print_table(("case", "n", "median ms", "p95 ms", "queries"), create_rows)
        if profile:
            print()
            print("\n".join(profile))


def _fmt(result: tuple[float, float, int]) -> tuple[str, str, int]:
    median, p95, n_queries = result
    return f"{median:.1f}", f"{p95:.1f}", n_queries


if __name__ == "__main__":
    main()
