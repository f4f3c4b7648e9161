"""Exports that stream: W3C JSON-LD, JSONL (doccano spans), CSV, schema.org ClaimReview.

Each is a generator of text chunks over ``queryset.iterator()``, so memory stays flat however
many annotations a team has.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from .models import Annotation, AnnotationKind, Article, Revision, Status, Visibility
from .w3c import CONTEXT, annotation_iri, article_iri, target_source, to_jsonld, with_joins

FORMATS = {
    "jsonld": ("application/ld+json", "jsonld"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "claimreview": ("application/ld+json", "claimreview.jsonld"),
}
CHUNK = 2000


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def ordered(annotations: QuerySet[Annotation]) -> QuerySet[Annotation]:
    return with_joins(annotations).order_by("article_id", "start", "end", "pk")


def stream_jsonld(annotations: QuerySet[Annotation], *, base: str, label: str) -> Iterator[str]:
    """One AnnotationCollection whose first (and only) page holds every annotation."""
    total = annotations.count()
    head = {
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
    }
    yield _dump(head)[:-1]
    yield ',"first":{"type":"AnnotationPage","startIndex":0,"items":['
    for index, annotation in enumerate(ordered(annotations).iterator(chunk_size=CHUNK)):
        yield ("," if index else "") + _dump(to_jsonld(annotation, base=base))
    yield "]}}\n"


def _label_of(annotation: Annotation) -> str:
    if annotation.kind == AnnotationKind.ENTITY:
        return annotation.label.slug
    return annotation.kind


def stream_jsonl(annotations: QuerySet[Annotation], *, base: str) -> Iterator[str]:
    """One line per article: its text, the full W3C annotations (for a lossless round trip)
    and spans as ``[start, end, label]`` (the shape doccano imports). Annotations are
    written as they are read; only the small span triples wait for the end of the line.
    Orphaned annotations have no place in the current text and are left out of the spans."""
    current: Article | None = None
    revision: Revision | None = None
    spans: list[list] = []
    first = True

    def close() -> str:
        return '],"label":' + _dump(spans) + "}\n"

    for annotation in ordered(annotations).iterator(chunk_size=CHUNK):
        if current is None or annotation.article_id != current.pk:
            if current is not None:
                yield close()
            current = annotation.article
            revision = Revision.objects.only("body", "number").get(pk=current.current_revision_id)
            spans, first = [], True
            meta = {
                "title": current.title,
                "source": target_source(current, base),
                "url": article_iri(current.pk, base),
                "language": current.language,
                "direction": current.direction,
                "revision": revision.number,
            }
            yield (
                '{"id":'
                + _dump(current.pk)
                + ',"text":'
                + _dump(revision.body)
                + ',"meta":'
                + _dump(meta)
                + ',"annotations":['
            )
        if annotation.revision_id == revision.pk:
            spans.append([annotation.start, annotation.end, _label_of(annotation)])
        yield ("" if first else ",") + _dump(to_jsonld(annotation, base=base))
        first = False
    if current is not None:
        yield close()


CSV_FIELDS = [
    "id",
    "iri",
    "article_id",
    "article_title",
    "source",
    "language",
    "direction",
    "revision",
    "kind",
    "motivation",
    "status",
    "visibility",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "label",
    "entity",
    "entity_wikidata",
    "note",
    "claim_text",
    "speaker",
    "check_worthiness",
    "verdict",
    "evidence",
    "author",
    "created",
    "modified",
]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A spreadsheet must never run a cell as a formula (=HYPERLINK(…) in a note)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_row(a: Annotation, base: str) -> list:
    return [_cell(value) for value in _csv_values(a, base)]


def _csv_values(a: Annotation, base: str) -> list:
    return [
        a.pk,
        annotation_iri(a.pk, base),
        a.article_id,
        a.article.title,
        target_source(a.article, base),
        a.article.language,
        a.article.direction,
        getattr(a, "revision_number", ""),
        a.kind,
        a.motivation,
        a.status,
        a.visibility,
        a.start,
        a.end,
        a.exact,
        a.prefix,
        a.suffix,
        a.label.slug if a.label_id else "",
        a.entity.name if a.entity_id else "",
        a.entity.wikidata_id if a.entity_id else "",
        a.note,
        a.claim_text,
        a.speaker.name if a.speaker_id else "",
        a.check_worthiness or "",
        a.verdict.slug if a.verdict_id else "",
        " ".join(a.evidence),
        a.author.get_username(),
        a.created.isoformat(),
        a.modified.isoformat(),
    ]


def stream_csv(annotations: QuerySet[Annotation], *, base: str) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so spreadsheet programs show Arabic correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    yield "\ufeff" + _flush(buffer)
    for index, annotation in enumerate(ordered(annotations).iterator(chunk_size=CHUNK)):
        writer.writerow(_csv_row(annotation, base))
        if index % 200 == 199:
            yield _flush(buffer)
    yield _flush(buffer)


def _flush(buffer: io.StringIO) -> str:
    value = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return value


def stream_claimreview(annotations: QuerySet[Annotation], *, base: str, team) -> Iterator[str]:
    """schema.org ClaimReview for approved claims that have a verdict."""
    claims = annotations.filter(
        kind=AnnotationKind.CLAIM, status=Status.APPROVED, verdict__isnull=False
    )
    scale = list(team.labels.filter(kind="verdict").order_by("position", "pk"))
    rank = {label.pk: index + 1 for index, label in enumerate(scale)}
    yield '{"@context":"https://schema.org","@graph":['
    for index, a in enumerate(ordered(claims).iterator(chunk_size=CHUNK)):
        item = {
            "@type": "ClaimReview",
            "url": annotation_iri(a.pk, base),
            "claimReviewed": a.claim_text or a.exact,
            "datePublished": a.modified.date().isoformat(),
            "author": {"@type": "Organization", "name": team.name},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": rank.get(a.verdict_id, 0),
                "bestRating": len(scale),
                "worstRating": 1,
                "alternateName": a.verdict.name_en,
                "name": a.verdict.name_ar,
            },
            "itemReviewed": {
                "@type": "Claim",
                "appearance": {
                    "@type": "NewsArticle",
                    "url": target_source(a.article, base),
                    "headline": a.article.title,
                    "inLanguage": a.article.language,
                },
            },
            "inLanguage": a.article.language,
        }
        if a.speaker_id:
            item["itemReviewed"]["author"] = {"@type": "Person", "name": a.speaker.name}
            if a.speaker.wikidata_id:
                item["itemReviewed"]["author"]["sameAs"] = (
                    "https://www.wikidata.org/wiki/" + a.speaker.wikidata_id
                )
        yield ("," if index else "") + _dump(item)
    yield "]}\n"


def stream(fmt: str, annotations: QuerySet[Annotation], *, base: str, team, label: str):
    if fmt == "jsonld":
        return stream_jsonld(annotations, base=base, label=label)
    if fmt == "jsonl":
        return stream_jsonl(annotations, base=base)
    if fmt == "csv":
        return stream_csv(annotations, base=base)
    if fmt == "claimreview":
        return stream_claimreview(annotations, base=base, team=team)
    raise ValueError(fmt)


def exportable(team, *, article_id: int | None = None) -> QuerySet[Annotation]:
    """Every shared annotation of the team (what the command exports)."""
    annotations = Annotation.objects.filter(article__team=team, visibility=Visibility.TEAM)
    if article_id is not None:
        annotations = annotations.filter(article_id=article_id)
    return annotations
