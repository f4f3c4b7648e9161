"""W3C Web Annotation Data Model: Hamish annotations to JSON-LD and back.

Extension properties live under the ``hamish:`` prefix declared in the ``@context`` array
next to the W3C context, so W3C tools read everything they know and keep the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Annotation, AnnotationKind, Article
from .text.language import detect_language, direction_for

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
HAMISH_NS = "urn:hamish:ns:"
CONTEXT = [ANNO_CONTEXT, {"hamish": HAMISH_NS}]
MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
WIKIDATA = "http://www.wikidata.org/entity/"

MOTIVATION_TO_KIND = {
    "highlighting": AnnotationKind.HIGHLIGHT,
    "commenting": AnnotationKind.HIGHLIGHT,
    "bookmarking": AnnotationKind.HIGHLIGHT,
    "identifying": AnnotationKind.ENTITY,
    "tagging": AnnotationKind.ENTITY,
    "classifying": AnnotationKind.ENTITY,
    "assessing": AnnotationKind.CLAIM,
}


def base_url(request=None) -> str:
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.HAMISH_BASE_URL


@cache
def _path_template(name: str) -> tuple[str, str]:
    """A URL pattern with one integer argument, split around it: exports build millions of
    IRIs and ``reverse()`` would be a third of their time."""
    before, _marker, after = reverse(name, args=[987654321]).partition("987654321")
    return before, after


def _path(name: str, pk: int) -> str:
    before, after = _path_template(name)
    return f"{before}{pk}{after}"


def annotation_iri(annotation_id: int, base: str) -> str:
    return base + _path("api_annotation", annotation_id)


def article_iri(article_id: int, base: str) -> str:
    return base + _path("article_detail", article_id)


def target_source(article: Article, base: str) -> str:
    return article.source_url or article_iri(article.pk, base)


def _text_body(value: str, purpose: str, *, language: str = "", fallback: str = "") -> dict:
    language = language or detect_language(value) or fallback or "und"
    return {
        "type": "TextualBody",
        "purpose": purpose,
        "value": value,
        "format": "text/plain",
        "language": language,
        "textDirection": direction_for(language if language != "und" else "", value),
    }


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def with_joins(annotations):
    """The joins ``to_jsonld`` reads, done once (no query per annotation)."""
    return annotations.select_related(
        "article", "author", "label", "verdict", "entity__type", "speaker__type"
    ).annotate(revision_number=F("revision__number"))


def joined(pk: int) -> Annotation:
    """One annotation with ``with_joins``; no ``.get()``, whose LIMIT makes PostgreSQL plan
    the ten-way join several times slower than it runs."""
    return list(with_joins(Annotation.objects.filter(pk=pk)))[0]


def to_jsonld(a: Annotation, *, base: str, context: bool = True) -> dict:
    """One annotation as a W3C Web Annotation; ``a`` comes from ``with_joins``."""
    article = a.article
    bodies: list[dict] = []
    if a.kind == AnnotationKind.ENTITY:
        bodies.append(_text_body(a.label.slug, "tagging", language="en"))
        bodies[-1]["hamish:labelName"] = {"en": a.label.name_en, "ar": a.label.name_ar}
        if a.entity_id:
            entity = a.entity
            link = {
                "type": "SpecificResource",
                "purpose": "identifying",
                "source": WIKIDATA + entity.wikidata_id
                if entity.wikidata_id
                else base + _path("entity_detail", entity.pk),
                "hamish:entity": entity_json(entity, base=base),
            }
            bodies.append(link)
    if a.kind == AnnotationKind.CLAIM:
        bodies.append(_text_body(a.claim_text or a.exact, "describing", fallback=article.language))
        if a.verdict_id:
            verdict = _text_body(a.verdict.slug, "assessing", language="en")
            verdict["hamish:labelName"] = {"en": a.verdict.name_en, "ar": a.verdict.name_ar}
            bodies.append(verdict)
        for link in a.evidence:
            # A purpose may only sit on a SpecificResource, not on a bare web resource.
            bodies.append({"type": "SpecificResource", "purpose": "linking", "source": link})
    if a.note:
        bodies.append(_text_body(a.note, "commenting", fallback=article.language))
    target = {
        "type": "SpecificResource",
        "source": target_source(article, base),
        "selector": [
            {"type": "TextPositionSelector", "start": a.start, "end": a.end},
            {"type": "TextQuoteSelector", "exact": a.exact, "prefix": a.prefix, "suffix": a.suffix},
        ],
        "hamish:article": article_iri(article.pk, base),
        "hamish:revision": getattr(a, "revision_number", None),
        "hamish:language": article.language,
        "hamish:textDirection": article.direction,
    }
    if target["hamish:revision"] is None:
        del target["hamish:revision"]
    doc = {
        "id": annotation_iri(a.pk, base),
        "type": "Annotation",
        "motivation": a.motivation,
        "created": _iso(a.created),
        "modified": _iso(a.modified),
        "creator": {
            "id": base + "/users/" + a.author.get_username(),
            "type": "Person",
            "nickname": a.author.get_username(),
        },
        "target": target,
        "hamish:kind": a.kind,
        "hamish:status": a.status,
        "hamish:visibility": a.visibility,
    }
    if bodies:
        doc["body"] = bodies
    if a.kind == AnnotationKind.CLAIM:
        if a.speaker_id:
            doc["hamish:speaker"] = entity_json(a.speaker, base=base)
        if a.check_worthiness:
            doc["hamish:checkWorthiness"] = a.check_worthiness
    if context:
        doc = {"@context": CONTEXT, **doc}
    return doc


def entity_json(entity, *, base: str) -> dict:
    data = {
        "id": base + _path("entity_detail", entity.pk),
        "name": entity.name,
        "type": entity.type.slug,
        "aliases": list(entity.aliases),
    }
    if entity.wikidata_id:
        data["wikidata"] = entity.wikidata_id
    return data


@dataclass
class ParsedAnnotation:
    """What an incoming W3C annotation asks for, before it is matched to an article."""

    kind: str
    source: str
    start: int | None
    end: int | None
    exact: str
    prefix: str = ""
    suffix: str = ""
    label: str = ""
    note: str = ""
    entity: dict | None = None
    claim_text: str = ""
    verdict: str = ""
    speaker: dict | None = None
    check_worthiness: int | None = None
    evidence: list[str] = field(default_factory=list)
    visibility: str = "team"
    status: str = ""
    article_iri: str = ""
    text_sha: str = ""


def _fail(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_annotation(doc) -> ParsedAnnotation:
    """Read one W3C annotation (as exported by Hamish or written by another tool)."""
    if not isinstance(doc, dict):
        raise _fail(_("An annotation must be a JSON object."), "not_an_object")
    if doc.get("type") not in ("Annotation", "oa:Annotation", ["Annotation"]):
        raise _fail(_("The object's type is not “Annotation”."), "not_an_annotation")
    motivations = [m for m in _as_list(doc.get("motivation")) if isinstance(m, str)]
    kind = doc.get("hamish:kind")
    if kind not in AnnotationKind.values:
        kind = next((MOTIVATION_TO_KIND[m] for m in motivations if m in MOTIVATION_TO_KIND), None)
    targets = _as_list(doc.get("target"))
    if len(targets) != 1 or not isinstance(targets[0], dict):
        raise _fail(_("The annotation needs exactly one target with selectors."), "bad_target")
    target = targets[0]
    source = target.get("source")
    if not isinstance(source, str) or not source:
        raise _fail(_("The target has no source."), "bad_target")
    start = end = None
    exact = prefix = suffix = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        if selector.get("type") == "TextPositionSelector":
            start, end = selector.get("start"), selector.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
                raise _fail(
                    _("TextPositionSelector start and end must be integers."), "bad_selector"
                )
        elif selector.get("type") == "TextQuoteSelector":
            exact = selector.get("exact")
            prefix = selector.get("prefix") or ""
            suffix = selector.get("suffix") or ""
            if not isinstance(exact, str) or not exact:
                raise _fail(_("TextQuoteSelector needs a non-empty “exact”."), "bad_selector")
    if exact is None:
        raise _fail(_("The target needs a TextQuoteSelector (the quoted text)."), "missing_quote")
    parsed = ParsedAnnotation(
        kind=kind or AnnotationKind.HIGHLIGHT,
        source=source,
        start=start,
        end=end,
        exact=exact,
        prefix=str(prefix)[-32:],
        suffix=str(suffix)[:32],
        article_iri=str(target.get("hamish:article") or ""),
        visibility="private" if doc.get("hamish:visibility") == "private" else "team",
        status=str(doc.get("hamish:status") or ""),
    )
    for body in _as_list(doc.get("body")):
        if isinstance(body, str):
            body = {"id": body}
        if not isinstance(body, dict):
            continue
        purpose = body.get("purpose")
        value = body.get("value")
        if purpose == "tagging" and isinstance(value, str):
            parsed.label = value
            parsed.kind = AnnotationKind.ENTITY if kind is None else parsed.kind
        elif purpose == "commenting" and isinstance(value, str):
            parsed.note = value
        elif purpose == "describing" and isinstance(value, str):
            parsed.claim_text = value
        elif purpose == "assessing" and isinstance(value, str):
            parsed.verdict = value
        elif purpose == "identifying":
            entity = (
                body.get("hamish:entity") if isinstance(body.get("hamish:entity"), dict) else {}
            )
            source_iri = body.get("source") or body.get("id") or ""
            if not entity.get("wikidata") and str(source_iri).startswith(WIKIDATA):
                entity = {**entity, "wikidata": str(source_iri)[len(WIKIDATA) :]}
            if entity.get("name"):
                parsed.entity = entity
        elif purpose == "linking" and isinstance(body.get("source") or body.get("id"), str):
            parsed.evidence.append(body.get("source") or body["id"])
        elif purpose is None and isinstance(value, str) and not parsed.note:
            parsed.note = value
    speaker = doc.get("hamish:speaker")
    if isinstance(speaker, dict) and speaker.get("name"):
        parsed.speaker = speaker
    worth = doc.get("hamish:checkWorthiness")
    if isinstance(worth, int) and worth in (1, 2, 3):
        parsed.check_worthiness = worth
    if parsed.kind == AnnotationKind.ENTITY and not parsed.label:
        raise _fail(_("An entity annotation needs a tagging body with its type."), "missing_label")
    return parsed


def annotations_in(doc) -> list:
    """The annotations in a parsed JSON-LD document: a collection, a page, a list or one."""
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        raise _fail(_("The file does not hold JSON-LD annotations."), "not_annotations")
    kind = doc.get("type")
    if kind == "AnnotationCollection":
        first = doc.get("first")
        items = first.get("items", []) if isinstance(first, dict) else []
        if not isinstance(items, list):
            raise _fail(_("The collection's first page has no items list."), "not_annotations")
        return items
    if kind == "AnnotationPage":
        return _as_list(doc.get("items"))
    return [doc]
