"""Streaming exports of a team with many annotations: time, peak memory, size, validity.

    DEBUG=true HAMISH_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/bench_exports.py
    .venv/bin/python bench/bench_exports.py --database-url postgres://postgres@127.0.0.1:5432/hamish_bench_exp

Fills a throwaway database with a team, ~50 Arabic articles (imported through the real
import service) and annotations of every kind (bulk-inserted), then runs
``manage.py export_annotations`` once per format (jsonld, jsonl, csv, claimreview) in a fresh
subprocess with DEBUG off, at 0, 10,000 and 100,000 annotations. Each run's wall time and
peak RSS (through ``/usr/bin/time``) and the size of the file are printed; each
file is parsed and its count checked against the database. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# _common sets the environment up; import it before anything from Django.
from _common import (
    BENCH_TEAM_SLUG,
    FIXTURES,
    ROOT,
    bench_database,
    bench_parser,
    print_table,
    versions,
)
from bench_annotations import Words
from bench_reader import ARABIC_CORPUS, import_text

FORMATS = ("jsonld", "jsonl", "csv", "claimreview")
TIME = "/usr/bin/time"  # GNU time: reports the peak RSS of the command alone

NOTES = [
    "يحتاج هذا إلى مصدر ثانٍ.",
    "راجع الرقم مع البيان الرسمي.",
    "صياغة منحازة؟",
    "Check the date against the wire copy.",
    "اقتباس مباشر من المتحدث.",
]
ENTITY_NAMES = [
    ("فلاديمير بوتين", "person", "Q7747"),
    ("باراك أوباما", "person", "Q76"),
    ("كوري شولمان", "person", ""),
    ("دمشق", "place", "Q3766"),
    ("الكابيتول هيل", "place", ""),
    ("الأمم المتحدة", "organisation", "Q1065"),
    ("البيت الأبيض", "organisation", "Q35525"),
    ("كوريا الشمالية", "place", "Q423"),
    ("الجامع الأموي", "place", ""),
    ("وكالة الأنباء", "organisation", ""),
    ("دونالد ترامب", "person", "Q22686"),
    ("منظمة الصحة العالمية", "organisation", "Q7817"),
]
EVIDENCE = ["https://example.org/source/1", "https://example.org/archive/2"]


def parse_args() -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument(
        "--counts",
        default="0,10000,100000",
        help="annotation counts to export at, ascending, comma-separated (default: 0,10000,100000)",
    )
    parser.add_argument("--articles", type=int, default=50, help="articles in the team (50)")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="formats, comma-separated (all four)"
    )
    parser.add_argument("--seed", type=int, default=20240601, help="random seed")
    return parser.parse_args()


# --------------------------------------------------------------------------- data


def article_texts(count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """The seed article, then ``count - 1`` articles of 6–12 corpus paragraphs each, numbered
    so that no two bodies are equal (import would take a repeat for the same article)."""
    paragraphs: list[str] = []
    for name in ARABIC_CORPUS:
        text = (FIXTURES / "corpus" / name).read_text(encoding="utf-8")
        paragraphs += [p.strip() for p in text.split("\n\n") if p.strip()]
    seed = FIXTURES / "seed_article.txt"
    texts = [(seed.name, seed.read_bytes())]
    for n in range(1, count):
        chosen = rng.sample(paragraphs, rng.randint(6, min(12, len(paragraphs))))
        body = [f"مقال رقم {n} لقياس التصدير"] + [f"({n}.{i}) {p}" for i, p in enumerate(chosen)]
        texts.append((f"article-{n}.txt", "\n\n".join(body).encode()))
    return texts


def make_entities(team, user) -> tuple[list, list]:
    """A dozen team entities (some with Wikidata ids); the people among them are speakers."""
    from reader.annotations import entity_search_key
    from reader.models import Entity, Label, LabelKind

    types = {label.slug: label for label in Label.objects.filter(team=team, kind=LabelKind.ENTITY)}
    entities = []
    for name, type_slug, wikidata in ENTITY_NAMES:
        entity = Entity(
            team=team, name=name, type=types[type_slug], wikidata_id=wikidata, created_by=user
        )
        entity.aliases = [name.replace("ال", "", 1)] if name.startswith("ال") else []
        entity.search_key = entity_search_key(entity)
        entities.append(entity)
    Entity.objects.bulk_create(entities)
    entities = list(Entity.objects.filter(team=team).select_related("type"))
    return entities, [e for e in entities if e.type.slug == "person"]


class Filler:
    """Builds annotations of every kind on random whole-word spans of the team's articles."""

    def __init__(self, team, user, articles, rng: random.Random):
        from reader.models import Label, LabelKind

        self.team, self.user, self.rng = team, user, rng
        self.articles = [
            (a, a.current_revision, Words(a.current_revision.body, a.current_revision.blocks))
            for a in articles
        ]
        self.entity_labels = list(Label.objects.filter(team=team, kind=LabelKind.ENTITY))
        self.verdicts = list(Label.objects.filter(team=team, kind=LabelKind.VERDICT))
        self.entities, self.speakers = make_entities(team, user)
        self.made = 0

    def build(self, n: int):
        from reader.models import Annotation, AnnotationKind, Status, Visibility
        from reader.text.anchoring import make_selector

        rng = self.rng
        article, revision, words = self.articles[n % len(self.articles)]
        start, end = words.random_span(rng)
        selector = make_selector(revision.body, start, end)
        kind = (AnnotationKind.HIGHLIGHT, AnnotationKind.ENTITY, AnnotationKind.CLAIM)[n % 3]
        row = Annotation(
            article=article,
            revision=revision,
            author=self.user,
            kind=kind,
            start=start,
            end=end,
            exact=selector.exact,
            prefix=selector.prefix,
            suffix=selector.suffix,
            # 60% approved, the rest pending, flagged or rejected; 2% private (not exported).
            status=rng.choices(
                [Status.APPROVED, Status.PENDING, Status.FLAGGED, Status.REJECTED],
                weights=[60, 25, 10, 5],
            )[0],
            visibility=Visibility.PRIVATE if rng.random() < 0.02 else Visibility.TEAM,
        )
        if kind == AnnotationKind.HIGHLIGHT and rng.random() < 0.5:
            row.note = rng.choice(NOTES)
        elif kind == AnnotationKind.ENTITY:
            row.label = rng.choice(self.entity_labels)
            if rng.random() < 0.4:
                entity = rng.choice(self.entities)
                row.entity, row.label = entity, entity.type
        elif kind == AnnotationKind.CLAIM:
            row.claim_text = selector.exact
            if rng.random() < 0.7:
                row.verdict = rng.choice(self.verdicts)
            if rng.random() < 0.5:
                row.speaker = rng.choice(self.speakers)
            if rng.random() < 0.5:
                row.check_worthiness = rng.randint(1, 3)
            if rng.random() < 0.2:
                row.evidence = EVIDENCE[: rng.randint(1, 2)]
            if rng.random() < 0.1:
                row.note = rng.choice(NOTES)
        return row

    def fill_to(self, total: int, batch: int = 5000) -> None:
        """Bulk-insert annotations until the team has ``total``."""
        from django.db import connection, transaction

        from reader.models import Annotation

        while self.made < total:
            size = min(batch, total - self.made)
            rows = [self.build(self.made + i) for i in range(size)]
            with transaction.atomic():
                Annotation.objects.bulk_create(rows, batch_size=1000)
            self.made += size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


# --------------------------------------------------------------------------- export runs


def run_export(database_url: str, fmt: str, out: Path) -> tuple[float, int, str]:
    """Run the command in a fresh interpreter; wall seconds, peak RSS in KB, stderr.

    The peak comes from ``/usr/bin/time``, not from ``os.wait4`` or ``RUSAGE_CHILDREN``: on
    Linux a child's ``ru_maxrss`` starts at the RSS of the process that forked it (``execve``
    keeps the high-water mark of the old address space), so a direct child of this script,
    which holds Django and the parsed exports, would report at least this script's size.
    ``time`` is small, so the command's own peak is what it reports.
    """
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # Production mode: no query log that grows with every query.
        "DEBUG": "false",
        "HAMISH_ALLOW_INSECURE_KEY": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "export_annotations",
        "--team",
        BENCH_TEAM_SLUG,
        "--format",
        fmt,
        "-o",
        str(out),
    ]
    rss_file = out.with_name(out.name + ".rss")
    started = time.perf_counter()
    result = subprocess.run(
        [TIME, "-f", "%M", "-o", str(rss_file), *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    max_kb = int(rss_file.read_text().split()[-1])
    rss_file.unlink()
    if result.returncode:
        raise SystemExit(f"export_annotations --format {fmt} failed:\n{result.stderr}")
    return wall, max_kb, result.stderr.strip()


def check_output(fmt: str, path: Path, expected: dict[str, int]) -> str:
    """Parse the file; "ok" or what is wrong."""
    if fmt == "jsonld":
        with path.open(encoding="utf-8") as f:
            doc = json.load(f)
        items = doc["first"]["items"]
        want = expected["exported"]
        if doc["total"] != want or len(items) != want:
            return f"total {doc['total']}, items {len(items)}, want {want}"
        if len({item["id"] for item in items}) != want:
            return "repeated ids"
    elif fmt == "claimreview":
        with path.open(encoding="utf-8") as f:
            doc = json.load(f)
        if len(doc["@graph"]) != expected["claims"]:
            return f"{len(doc['@graph'])} ClaimReviews, want {expected['claims']}"
    elif fmt == "jsonl":
        lines = spans = annotations = 0
        with path.open(encoding="utf-8") as f:
            for text in f:
                line = json.loads(text)
                lines += 1
                spans += len(line["label"])
                annotations += len(line["annotations"])
                for start, end, _label in line["label"]:
                    if not 0 <= start < end <= len(line["text"]):
                        return f"span {start}–{end} outside article {line['id']}"
        if annotations != expected["exported"] or lines != expected["articles"]:
            return (
                f"{lines} lines, {annotations} annotations; "
                f"want {expected['articles']}, {expected['exported']}"
            )
        if spans != expected["exported"]:  # none is orphaned here
            return f"{spans} spans, want {expected['exported']}"
    elif fmt == "csv":
        with path.open(encoding="utf-8", newline="") as f:
            if f.read(1) != "\ufeff":
                return "no byte-order mark"
            rows = sum(1 for _row in csv.reader(f))
        if rows != expected["exported"] + 1:
            return f"{rows} rows, want {expected['exported'] + 1}"
    return "ok"


def expected_counts(team) -> dict[str, int]:
    from reader.exports import exportable
    from reader.models import AnnotationKind, Status

    shared = exportable(team)
    return {
        "exported": shared.count(),
        "articles": shared.values("article_id").distinct().count(),
        "claims": shared.filter(
            kind=AnnotationKind.CLAIM, status=Status.APPROVED, verdict__isnull=False
        ).count(),
    }


def main() -> None:
    args = parse_args()
    counts = sorted(int(c) for c in args.counts.split(",") if c.strip())
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for fmt in formats:
        if fmt not in FORMATS:
            raise SystemExit(f"Unknown format {fmt!r}: choose from {', '.join(FORMATS)}.")
    if not Path(TIME).exists():
        raise SystemExit(f"{TIME} (GNU time) is needed to measure the exports' peak memory.")
    rng = random.Random(args.seed)
    outdir = Path(tempfile.mkdtemp(prefix="hamish-bench-exports-"))
    try:
        with bench_database(args.database_url, keep=args.keep, reset=args.reset) as url:
            from django.contrib.auth import get_user_model
            from django.db import connections

            from reader.models import Membership, Role, Team

            team = Team.objects.create(name="Bench — هامش", slug=BENCH_TEAM_SLUG)
            owner = get_user_model().objects.create_user(username="bench-owner")
            Membership.objects.create(user=owner, team=team, role=Role.OWNER)
            started = time.perf_counter()
            articles = [
                import_text(team, owner, data, name)
                for name, data in article_texts(args.articles, rng)
            ]
            imported = time.perf_counter() - started
            chars = sum(len(a.current_revision.body) for a in articles)
            filler = Filler(team, owner, articles, rng)

            rows, rss, checks = [], {}, []
            fill_seconds = 0.0
            for count in counts:
                started = time.perf_counter()
                filler.fill_to(count)
                fill_seconds += time.perf_counter() - started
                expected = expected_counts(team)
                # The child must see every row; SQLite needs no open transaction either.
                connections.close_all()
                for fmt in formats:
                    out = outdir / f"{count}.{fmt}"
                    wall, max_kb, _stderr = run_export(url, fmt, out)
                    size = out.stat().st_size
                    verdict = check_output(fmt, out, expected)
                    checks.append(verdict == "ok")
                    out.unlink()
                    items = expected["claims"] if fmt == "claimreview" else expected["exported"]
                    rss[fmt, count] = max_kb
                    rows.append(
                        (
                            f"{fmt} @ {count:,}",
                            f"{items:,}",
                            f"{wall:.2f}",
                            f"{1e6 * wall / items:.0f}" if items else "–",
                            f"{max_kb / 1024:.0f}",
                            f"{size / 2**20:.1f}",
                            verdict,
                        )
                    )

            for name, value in versions():
                print(f"{name + ':':<10} {value}")
            print(f"{'URL:':<10} {url}")
            print(
                f"{'Data:':<10} {len(articles)} articles ({chars:,} chars, imported in "
                f"{imported:.1f} s), {filler.made:,} annotations (bulk-inserted in "
                f"{fill_seconds:.1f} s); 2% private (not exported)"
            )
            print()
            print_table(
                (
                    "format @ annotations",
                    "items",
                    "wall s",
                    "µs/item",
                    "peak RSS MB",
                    "MB",
                    "parse",
                ),
                rows,
            )
            if len(counts) >= 2 and counts[-2]:
                small, big = counts[-2], counts[-1]
                print()
                print(f"peak RSS at {big:,} vs {small:,} annotations ({big // small}× more):")
                for fmt in formats:
                    a, b = rss[fmt, small], rss[fmt, big]
                    flat = "flat" if b <= a * 1.25 else "GROWS"
                    print(
                        f"  {fmt:<12} {a / 1024:6.0f} MB → {b / 1024:6.0f} MB  "
                        f"(×{b / a:.2f}, {flat})"
                    )
            if not all(checks):
                raise SystemExit("Some exports did not parse or had the wrong count.")
    finally:
        for leftover in outdir.glob("*"):
            leftover.unlink()
        outdir.rmdir()


if __name__ == "__main__":
    main()
