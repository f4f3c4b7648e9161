"""Import W3C JSON-LD or JSONL annotations into a team: all or nothing, with a report."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import annotations as svc
from .models import Annotation, Article, Entity, Label, LabelKind, Membership, Status
from .text.anchoring import QUOTE, TextSelector, reanchor
from .text.normalize import clean_user_text
from .w3c import WIKIDATA, ParsedAnnotation, annotations_in, parse_annotation

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass
class Outcome:
    where: str  # "item 3" or "line 7, annotation 2"
    status: str  # imported | reanchored | skipped | refused
    reason: str = ""
    article_id: int | None = None
    start: int | None = None
    end: int | None = None
    exact: str = ""
    parsed: ParsedAnnotation | None = field(default=None, repr=False)


@dataclass
class ImportReport:
    outcomes: list[Outcome]
    committed: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "refused"]


class ImportFailed(ValidationError):
    """The whole file was refused; ``report`` says why, item by item when it can."""

    def __init__(self, message: str, code: str, report: ImportReport | None = None):
        super().__init__(message, code=code)
        self.report = report or ImportReport(outcomes=[])


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(
            _("The file is %(size).1f MB; the limit for annotation imports is %(limit)s MB.")
            % {"size": len(data) / 1024 / 1024, "limit": MAX_IMPORT_BYTES // 1024 // 1024},
            "too_large",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            _("The file is not UTF-8 (bad byte at offset %(at)s).") % {"at": error.start},
            "encoding",
        ) from None


def read_items(text: str, *, filename: str = "") -> list[tuple[str, dict, dict | None]]:
    """``(where, annotation, jsonl_line)`` for every annotation in a JSON-LD or JSONL text."""
    stripped = text.lstrip()
    if not stripped:
        raise ImportFailed(_("The file is empty."), "empty")
    is_jsonl = filename.endswith((".jsonl", ".ndjson")) or (
        "\n" in stripped.strip() and stripped.startswith("{") and _first_line_is_object(stripped)
    )
    items: list[tuple[str, dict, dict | None]] = []
    if is_jsonl:
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except json.JSONDecodeError as error:
                raise ImportFailed(
                    _("Line %(line)s is not valid JSON: %(error)s. Nothing was imported.")
                    % {"line": number, "error": error.msg},
                    "bad_json",
                ) from None
            if not isinstance(line, dict):
                raise ImportFailed(
                    _("Line %(line)s is not a JSON object. Nothing was imported.")
                    % {"line": number},
                    "bad_json",
                )
            if isinstance(line.get("annotations"), list):
                for index, annotation in enumerate(line["annotations"], start=1):
                    items.append(
                        (
                            _("line %(line)s, annotation %(n)s") % {"line": number, "n": index},
                            annotation,
                            line,
                        )
                    )
            elif isinstance(line.get("label"), list) and isinstance(line.get("text"), str):
                for index, span in enumerate(line["label"], start=1):
                    items.append(
                        (
                            _("line %(line)s, span %(n)s") % {"line": number, "n": index},
                            _from_span(span, line),
                            line,
                        )
                    )
            else:
                raise ImportFailed(
                    _("Line %(line)s has neither “annotations” nor “text” and “label”.")
                    % {"line": number},
                    "bad_shape",
                )
        return items
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            _("The file is not valid JSON (line %(line)s, column %(col)s: %(error)s).")
            % {"line": error.lineno, "col": error.colno, "error": error.msg},
            "bad_json",
        ) from None
    try:
        annotations = annotations_in(document)
    except ValidationError as error:
        raise ImportFailed(" ".join(error.messages), error.code) from None
    return [(_("item %(n)s") % {"n": i}, a, None) for i, a in enumerate(annotations, start=1)]


def _first_line_is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text.split("\n", 1)[0]), dict)
    except json.JSONDecodeError:
        return False


def _from_span(span, line: dict) -> dict:
    """A doccano ``[start, end, label]`` span as a minimal W3C annotation."""
    if not (isinstance(span, list) and len(span) == 3):
        return {"type": "invalid span"}
    start, end, label = span
    text = line["text"]
    exact = text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
    kind = label if label in ("highlight", "claim") else "entity"
    bodies = (
        [] if kind != "entity" else [{"type": "TextualBody", "purpose": "tagging", "value": label}]
    )
    return {
        "type": "Annotation",
        "hamish:kind": kind,
        "body": bodies,
        "target": {
            "source": (line.get("meta") or {}).get("source") or "",
            "hamish:textSha256": _sha(text),
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": exact},
            ],
        },
    }


class _Articles:
    """Finds the team's article an annotation targets: by source URL, by Hamish IRI, or by
    the exact text (doccano lines)."""

    def __init__(self, team):
        self.team = team
        self.cache: dict[str, Article | None] = {}

    def find(self, parsed: ParsedAnnotation, raw: dict, line: dict | None) -> Article | None:
        key = parsed.source
        if key not in self.cache:
            article = None
            if key:
                article = Article.objects.filter(team=self.team, source_url=key).first()
            if article is None and line is not None and isinstance(line.get("text"), str):
                article = Article.objects.filter(
                    team=self.team, current_revision__body_sha256=_sha(line["text"])
                ).first()
            self.cache[key] = article
        return self.cache[key]


def resolve_position(article: Article, parsed: ParsedAnnotation) -> tuple[str, int, int] | str:
    body = article.current_revision.body
    start, end = parsed.start, parsed.end
    if isinstance(start, int) and isinstance(end, int) and body[start:end] == parsed.exact:
        return ("imported", start, end)
    result = reanchor(
        body,
        body,
        TextSelector(
            start if isinstance(start, int) else 0,
            end if isinstance(end, int) else 0,
            parsed.exact,
            parsed.prefix,
            parsed.suffix,
        ),
    )
    if result.status != "orphaned" and body[result.start : result.end] == parsed.exact:
        return ("reanchored", result.start, result.end)
    if result.status == QUOTE:
        return _("only a similar text was found; the quote must match exactly")
    return _("the quoted text is not in the article")


def plan(team, items) -> ImportReport:
    """Check every item without writing anything."""
    labels = {(label.kind, label.slug) for label in Label.objects.filter(team=team)}
    articles = _Articles(team)
    outcomes = []
    for where, raw, line in items:
        try:
            parsed = parse_annotation(raw)
        except ValidationError as error:
            outcomes.append(Outcome(where, "refused", " ".join(error.messages)))
            continue
        article = articles.find(parsed, raw, line)
        if article is None:
            outcomes.append(
                Outcome(
                    where,
                    "refused",
                    _("no article of this team has the source %(source)s")
                    % {"source": parsed.source or "—"},
                )
            )
            continue
        if parsed.label and (LabelKind.ENTITY, parsed.label) not in labels:
            outcomes.append(
                Outcome(where, "refused", _("unknown entity type “%(l)s”") % {"l": parsed.label})
            )
            continue
        if parsed.verdict and (LabelKind.VERDICT, parsed.verdict) not in labels:
            outcomes.append(
                Outcome(where, "refused", _("unknown verdict “%(l)s”") % {"l": parsed.verdict})
            )
            continue
        resolved = resolve_position(article, parsed)
        if isinstance(resolved, str):
            outcomes.append(Outcome(where, "refused", resolved, article.pk, exact=parsed.exact))
            continue
        status, start, end = resolved
        if parsed.status == Status.ORPHANED:
            outcomes.append(
                Outcome(
                    where,
                    "skipped",
                    _("it had lost its place in the source"),
                    article.pk,
                    exact=parsed.exact,
                )
            )
            continue
        if Annotation.objects.filter(
            article=article,
            kind=parsed.kind,
            start=start,
            end=end,
            note=clean_user_text(parsed.note),
            label__slug=parsed.label or None,
        ).exists():
            outcomes.append(
                Outcome(
                    where,
                    "skipped",
                    _("the same annotation is already there"),
                    article.pk,
                    start,
                    end,
                    parsed.exact,
                )
            )
            continue
        outcomes.append(
            Outcome(
                where,
                status,
                "" if status == "imported" else _("position corrected from the quote"),
                article.pk,
                start,
                end,
                parsed.exact,
                parsed,
            )
        )
    return ImportReport(outcomes=outcomes)


def entity_for(team, membership, data: dict | None, *, default_type: str) -> Entity | None:
    """The team's entity named in ``data``, created (with aliases and Wikidata id) if new."""
    if not data or not data.get("name"):
        return None
    existing = Entity.objects.filter(team=team, name=data["name"]).first()
    if existing:
        return existing
    type_slug = data.get("type") or default_type
    if not Label.objects.filter(team=team, kind=LabelKind.ENTITY, slug=type_slug).exists():
        type_slug = "person"
    wikidata = str(data.get("wikidata") or "")
    if wikidata.startswith(WIKIDATA):
        wikidata = wikidata[len(WIKIDATA) :]
    return svc.entity_create(
        team=team,
        membership=membership,
        name=data["name"],
        type=type_slug,
        aliases=[a for a in data.get("aliases") or [] if isinstance(a, str)],
        wikidata_id=wikidata,
    )


def import_annotations(*, team, membership: Membership, text: str, filename: str = ""):
    """Import every annotation in ``text`` or none. Raises ``ImportFailed`` with the report
    when anything is refused."""
    items = read_items(text, filename=filename)
    if not items:
        raise ImportFailed(_("The file holds no annotations."), "empty")
    report = plan(team, items)
    if report.refused:
        raise ImportFailed(
            _("%(n)s of %(total)s annotations were refused, so nothing was imported.")
            % {"n": len(report.refused), "total": len(report.outcomes)},
            "refused",
            report,
        )
    with transaction.atomic():
        for outcome in report.outcomes:
            if outcome.status == "skipped":
                continue
            parsed = outcome.parsed
            article = Article.objects.select_related("current_revision", "team").get(
                pk=outcome.article_id
            )
            try:
                created = create_from_parsed(
                    article=article,
                    membership=membership,
                    parsed=parsed,
                    start=outcome.start,
                    end=outcome.end,
                )
                if parsed.status in (Status.APPROVED, Status.REJECTED) and membership.can_review:
                    svc.status_change(
                        annotation=created,
                        actor=membership.user,
                        to_status=parsed.status,
                        reason=_("Imported with this status."),
                    )
            except ValidationError as error:
                outcome.status, outcome.reason = "refused", " ".join(error.messages)
                raise ImportFailed(
                    _("%(where)s was refused (%(why)s), so nothing was imported.")
                    % {"where": outcome.where, "why": outcome.reason},
                    "refused",
                    report,
                ) from None
    report.committed = True
    return report


def parsed_fields(parsed: ParsedAnnotation, article: Article, membership: Membership) -> dict:
    """What an incoming W3C annotation says, as ``annotation_create`` arguments (the API's
    POST and PUT and the importer all read annotations this one way)."""
    team = article.team
    return {
        "kind": parsed.kind,
        "label": parsed.label or None,
        "entity": entity_for(team, membership, parsed.entity, default_type=parsed.label),
        "note": parsed.note,
        "visibility": parsed.visibility,
        "claim_text": parsed.claim_text,
        "speaker": entity_for(team, membership, parsed.speaker, default_type="person"),
        "check_worthiness": parsed.check_worthiness,
        "verdict": parsed.verdict or None,
        "evidence": parsed.evidence,
    }


def create_from_parsed(*, article, membership, parsed, start: int, end: int):
    return svc.annotation_create(
        article=article,
        membership=membership,
        start=start,
        end=end,
        exact=parsed.exact,
        revision=None,
        **parsed_fields(parsed, article, membership),
    )
