"""Server time and query count of the reader page and the library, on a throwaway database.

    DEBUG=true HAMISH_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/bench_reader.py
    .venv/bin/python bench/bench_reader.py --database-url postgres://postgres@127.0.0.1:5432/hamish_bench

Measures, through Django's test client (the whole middleware stack, no network):
  (a) the reader page of the seed article;
  (b) the reader page of a ~100,000-character Arabic article;
  (c) the library (``/``) of a team with 10,000 articles: the first page and page 250.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# _common sets the environment up; import it before anything from Django.
from _common import (
    BENCH_TEAM_SLUG,
    FIXTURES,
    bench_database,
    bench_parser,
    print_table,
    summarise,
    time_calls,
    versions,
)

ARABIC_CORPUS = ("ar_news_pud_passages.txt", "ar_wiki_damascus.txt")


def parse_args() -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("-n", "--requests", type=int, default=50, help="timed requests per case")
    parser.add_argument(
        "--articles", type=int, default=10_000, help="articles in the team for the library"
    )
    parser.add_argument(
        "--big-chars", type=int, default=100_000, help="size of the big article, in characters"
    )
    return parser.parse_args()


def big_arabic_text(chars: int) -> str:
    """Corpus paragraphs repeated, each numbered so that no two blocks are the same (import
    would otherwise see repeats, and the page would be unrealistically uniform)."""
    paragraphs: list[str] = []
    for name in ARABIC_CORPUS:
        text = (FIXTURES / "corpus" / name).read_text(encoding="utf-8")
        paragraphs += [p.strip() for p in text.split("\n\n") if p.strip()]
    parts = ["مقال طويل لقياس الأداء"]
    size, number = len(parts[0]), 0
    while size < chars:
        number += 1
        paragraph = f"({number}) {paragraphs[(number - 1) % len(paragraphs)]}"
        parts.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(parts)


def import_text(team, user, data: bytes, filename: str, title: str = ""):
    from django.conf import settings

    from reader.services import article_import
    from reader.text.extract import extract_document

    document = extract_document(
        data, filename=filename, max_bytes=max(settings.HAMISH_MAX_IMPORT_BYTES, len(data))
    )
    result = article_import(team=team, user=user, document=document, title=title)
    assert result.created, f"{filename} was not imported"
    return result.article


def add_articles(team, user, count: int) -> None:
    """``count`` short articles straight into the tables: the library only reads them."""
    from django.db import connection, transaction
    from django.db.models import OuterRef, Subquery

    from reader.models import Article, Revision
    from reader.services import body_hash

    with transaction.atomic():
        articles = Article.objects.bulk_create(
            [
                Article(
                    team=team,
                    title=f"مقال رقم {i}: عنوان قصير للمكتبة",
                    source_name="هامش",
                    language="ar",
                    direction="rtl",
                    created_by=user,
                )
                for i in range(count)
            ],
            batch_size=1000,
        )
        revisions = []
        for article in articles:
            body = f"نص قصير للمقال رقم {article.pk}.\n\nفقرة ثانية."
            revisions.append(
                Revision(
                    article=article,
                    number=1,
                    body=body,
                    blocks=[
                        [0, body.index("\n"), "paragraph"],
                        [body.rindex("\n") + 1, len(body), "paragraph"],
                    ],
                    body_sha256=body_hash(body),
                    word_count=len(body.split()),
                    summary="bench",
                    created_by=user,
                )
            )
        Revision.objects.bulk_create(revisions, batch_size=1000)
        Article.objects.filter(team=team, current_revision__isnull=True).update(
            current_revision=Subquery(
                Revision.objects.filter(article=OuterRef("pk"), number=1).values("pk")[:1]
            )
        )
    if connection.vendor == "postgresql":
        # Autovacuum would analyse the new rows soon after a real import; do it now so the
        # planner sees 10,000 rows, not an empty table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(client, url: str, repeat: int, marker: str) -> tuple[float, float, int, float]:
    """Median ms, p95 ms, queries of one request, response size in KB."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert marker.encode() in response.content, (url, marker)
    # With DEBUG on, Django keeps the last 9,000 queries; once that log is full (migrate fills
    # it) CaptureQueriesContext would count nothing.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    times = time_calls(lambda: client.get(url), repeat=repeat)
    median, p95 = summarise(times)
    return median, p95, len(captured), len(response.content) / 1024


def main() -> None:
    args = parse_args()
    with bench_database(args.database_url, keep=args.keep, reset=args.reset) as url:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from reader.models import Article, Membership, Role, Team

        team = Team.objects.create(name="Bench — هامش", slug=BENCH_TEAM_SLUG)
        user = get_user_model().objects.create_user(username="bench-reviewer")
        Membership.objects.create(user=user, team=team, role=Role.REVIEWER)

        seed_path = FIXTURES / "seed_article.txt"
        seed = import_text(team, user, seed_path.read_bytes(), seed_path.name)
        big_text = big_arabic_text(args.big_chars)
        big = import_text(team, user, big_text.encode(), "big.txt")
        seed_rev, big_rev = seed.current_revision, big.current_revision

        client = Client(HTTP_HOST="localhost")
        client.force_login(user)

        rows = []
        n = args.requests
        for label, article, revision in (
            ("reader: seed article", seed, seed_rev),
            ("reader: big article", big, big_rev),
        ):
            median, p95, queries, kb = measure(
                client, f"/articles/{article.pk}/", n, "data-article-body"
            )
            detail = f"{len(revision.body):,} chars, {len(revision.blocks)} blocks"
            rows.append((label, detail, n, f"{median:.1f}", f"{p95:.1f}", queries, f"{kb:.0f}"))

        add_articles(team, user, args.articles)
        total = Article.objects.filter(team=team).count()
        pages = -(-total // 20)
        for label, query in (("library: page 1", ""), ("library: page 250", "?page=250")):
            median, p95, queries, kb = measure(client, f"/{query}", n, "/articles/")
            detail = f"{total:,} articles, {pages} pages"
            rows.append((label, detail, n, f"{median:.1f}", f"{p95:.1f}", queries, f"{kb:.0f}"))

        for name, value in versions():
            print(f"{name + ':':<10} {value}")
        print(f"{'URL:':<10} {url}")
        print()
        print_table(("case", "data", "n", "median ms", "p95 ms", "queries", "KB"), rows)


if __name__ == "__main__":
    main()
