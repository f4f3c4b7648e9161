"""Annotation services: create, update, delete, tag other mentions, re-anchor after an edit.

Every write validates in one place and stores nothing half-way. Errors are
``ValidationError``s with stable codes (the API reports the code; forms show the message).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Annotation,
    AnnotationKind,
    Article,
    Entity,
    Label,
    LabelKind,
    Membership,
    ReviewEvent,
    Revision,
    Role,
    Status,
    Visibility,
)
from .text.anchoring import ORPHANED, QUOTE, TextSelector, make_selector, reanchor_many
from .text.folding import find_folded, fold
from .text.graphemes import is_grapheme_boundary
from .text.normalize import clean_user_text

MAX_NOTE = 10_000
MAX_SPAN = 20_000
MAX_EVIDENCE = 20


def error(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def visible_q(membership: Membership, *, prefix: str = "") -> Q:
    """Which annotations this member may see, as a filter (DESIGN.md, "Annotations").

    Authors see all of their own. Others' private ones are never shown. Reviewers and owners
    see every status; annotators see approved ones and, unless the team annotates
    independently, pending and flagged ones; readers see approved ones.
    """
    shared = Q(**{prefix + "visibility": Visibility.TEAM})
    if membership.has_role(Role.REVIEWER):
        statuses = Q()
    elif membership.has_role(Role.ANNOTATOR) and not membership.team.independent_annotation:
        statuses = Q(**{prefix + "status__in": [Status.APPROVED, Status.PENDING, Status.FLAGGED]})
    else:
        statuses = Q(**{prefix + "status": Status.APPROVED})
    return Q(**{prefix + "author_id": membership.user_id}) | (shared & statuses)


def visible_annotations(membership: Membership, article: Article) -> QuerySet[Annotation]:
    """The annotations of ``article`` this member may see, in reading order."""
    return (
        Annotation.objects.filter(article=article)
        .filter(visible_q(membership))
        .select_related("author", "label", "entity", "speaker", "verdict")
        .order_by("start", "end", "pk")
    )


def _label(team, value, kind: str) -> Label | None:
    if value in (None, ""):
        return None
    label = value if isinstance(value, Label) else None
    if label is None:
        by_key = Q(slug=str(value))
        if str(value).isascii() and str(value).isdigit():
            by_key |= Q(pk=int(value))
        label = Label.objects.filter(team=team, kind=kind).filter(by_key).first()
    if label is None or label.team_id != team.pk or label.kind != kind:
        raise error(
            _("This label does not belong to the team's %(what)s.")
            % {"what": _("entity types") if kind == LabelKind.ENTITY else _("verdicts")},
            "bad_label",
        )
    return label


def _entity(team, value) -> Entity | None:
    if value in (None, ""):
        return None
    entity = value if isinstance(value, Entity) else None
    if entity is None and str(value).isascii() and str(value).isdigit():
        entity = Entity.objects.filter(pk=int(value)).first()
    if entity is None or entity.team_id != team.pk:
        raise error(_("This entity does not belong to the team."), "bad_entity")
    return entity


def _text(value: str, *, field: str, limit: int = MAX_NOTE) -> str:
    value = value or ""
    if len(value) > limit:
        raise error(
            _("The %(field)s is too long: %(length)s characters; the limit is %(limit)s.")
            % {"field": field, "length": f"{len(value):,}", "limit": f"{limit:,}"},
            "too_long",
        )
    return clean_user_text(value)


def _evidence(values) -> list[str]:
    from django.core.validators import URLValidator

    if isinstance(values, str):
        values = values.splitlines()
    links = [v.strip() for v in values or [] if v and v.strip()]
    if len(links) > MAX_EVIDENCE:
        raise error(_("Give at most %(n)s evidence links.") % {"n": MAX_EVIDENCE}, "too_many")
    check = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            check(link)
        except ValidationError:
            raise error(
                _("“%(link)s” is not a web address (http:// or https://).") % {"link": link},
                "bad_url",
            ) from None
    return links


def validate_span(revision: Revision, start, end, exact: str) -> tuple[int, int]:
    """Check a span against the revision's body: range, order, quote, grapheme boundaries."""
    body = revision.body
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise error(_("Start and end must be whole numbers."), "bad_offsets") from None
    if start < 0 or end < 0 or start > len(body) or end > len(body):
        raise error(
            _("The selection is outside the text (it has %(n)s characters).") % {"n": len(body)},
            "out_of_range",
        )
    if start >= end:
        raise error(_("The selection is empty: start must come before end."), "empty_span")
    if end - start > MAX_SPAN:
        raise error(_("The selection is too long to annotate."), "too_long")
    if body[start:end] != (exact or ""):
        raise error(
            _("The quoted text does not match the article at that position."), "quote_mismatch"
        )
    if not (is_grapheme_boundary(body, start) and is_grapheme_boundary(body, end)):
        raise error(
            _("The selection starts or ends inside a letter (between a letter and its marks)."),
            "grapheme_boundary",
        )
    return start, end


@transaction.atomic
def annotation_create(
    *,
    article: Article,
    membership: Membership,
    kind: str,
    start,
    end,
    exact: str,
    revision: int | None,
    label=None,
    entity=None,
    note: str = "",
    visibility: str = Visibility.TEAM,
    claim_text: str = "",
    speaker=None,
    check_worthiness=None,
    verdict=None,
    evidence=(),
) -> Annotation:
    """Validate and store one annotation on the article's current revision (status pending)."""
    if not membership.can_annotate or membership.team_id != article.team_id:
        raise PermissionDenied
    # Lock the article: an edit cannot slip in between this check and the insert, so the
    # annotation is on the current revision or is refused as stale.
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("current_revision", "team")
        .get(pk=article.pk)
    )
    current = article.current_revision
    if revision is not None and str(revision) != str(current.number):
        raise error(
            _("The article changed since you opened it (now revision %(n)s). Reload the page.")
            % {"n": current.number},
            "stale_revision",
        )
    if kind not in AnnotationKind.values:
        raise error(_("Unknown kind of annotation."), "bad_kind")
    if visibility not in Visibility.values:
        raise error(_("Unknown visibility."), "bad_visibility")
    start, end = validate_span(current, start, end, exact)
    team = article.team
    label_obj = _label(team, label, LabelKind.ENTITY)
    if kind == AnnotationKind.ENTITY and label_obj is None:
        raise error(_("Choose an entity type."), "label_required")
    if kind != AnnotationKind.ENTITY:
        label_obj = None
    entity_obj = _entity(team, entity) if kind == AnnotationKind.ENTITY else None
    note = _text(note, field=_("note"))
    fields = {}
    if kind == AnnotationKind.CLAIM:
        fields = {
            "claim_text": _text(claim_text, field=_("claim")) or exact,
            "speaker": _entity(team, speaker),
            "check_worthiness": _worthiness(check_worthiness),
            "verdict": _label(team, verdict, LabelKind.VERDICT),
            "evidence": _evidence(evidence),
        }
    selector = make_selector(current.body, start, end)
    return Annotation.objects.create(
        article=article,
        revision=current,
        author_id=membership.user_id,
        kind=kind,
        start=start,
        end=end,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        label=label_obj,
        entity=entity_obj,
        note=note,
        visibility=visibility,
        **fields,
    )


def _worthiness(value):
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if value not in (1, 2, 3):
        raise error(_("Check-worthiness is low, medium or high."), "bad_worthiness")
    return value


@transaction.atomic
def annotation_update(
    *, annotation: Annotation, membership: Membership, version, changes: dict
) -> Annotation:
    """Change the author's own annotation if nobody changed it since ``version``.

    A stale version raises ``ValidationError(code="conflict")`` and stores nothing.
    """
    if annotation.author_id != membership.user_id or not membership.can_annotate:
        raise PermissionDenied
    team = annotation.article.team
    values: dict = {}
    if "note" in changes:
        values["note"] = _text(changes["note"], field=_("note"))
    if "visibility" in changes:
        if changes["visibility"] not in Visibility.values:
            raise error(_("Unknown visibility."), "bad_visibility")
        values["visibility"] = changes["visibility"]
    if annotation.kind == AnnotationKind.ENTITY:
        if "label" in changes:
            label = _label(team, changes["label"], LabelKind.ENTITY)
            if label is None:
                raise error(_("Choose an entity type."), "label_required")
            values["label"] = label
        if "entity" in changes:
            values["entity"] = _entity(team, changes["entity"])
    if annotation.kind == AnnotationKind.CLAIM:
        if "claim_text" in changes:
            values["claim_text"] = (
                _text(changes["claim_text"], field=_("claim")) or annotation.exact
            )
        if "speaker" in changes:
            values["speaker"] = _entity(team, changes["speaker"])
        if "check_worthiness" in changes:
            values["check_worthiness"] = _worthiness(changes["check_worthiness"])
        if "verdict" in changes:
            values["verdict"] = _label(team, changes["verdict"], LabelKind.VERDICT)
        if "evidence" in changes:
            values["evidence"] = _evidence(changes["evidence"])
    if "span" in changes:
        start, end, exact = changes["span"]
        current = annotation.article.current_revision
        start, end = validate_span(current, start, end, exact)
        selector = make_selector(current.body, start, end)
        values.update(
            revision=current,
            start=start,
            end=end,
            exact=selector.exact,
            prefix=selector.prefix,
            suffix=selector.suffix,
        )
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise error(
            _("The form is missing the annotation's version."), "version_required"
        ) from None
    updated = Annotation.objects.filter(pk=annotation.pk, version=version).update(
        version=F("version") + 1, modified=timezone.now(), **values
    )
    if not updated:
        raise error(
            _(
                "Someone changed this annotation after you opened it. Your change was not saved: "
                "review the current version and try again."
            ),
            "conflict",
        )
    annotation.refresh_from_db()
    substance = set(values) - {"visibility"}
    if substance and annotation.status in (Status.APPROVED, Status.REJECTED):
        # What a reviewer judged has changed: it needs judging again.
        status_change(
            annotation=annotation,
            actor=membership.user,
            to_status=Status.PENDING,
            reason=_("Edited by its author after review."),
        )
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, membership: Membership, version=None) -> None:
    if annotation.author_id != membership.user_id or not membership.can_annotate:
        raise PermissionDenied
    rows = Annotation.objects.filter(pk=annotation.pk)
    if version not in (None, ""):
        try:
            rows = rows.filter(version=int(version))
        except (TypeError, ValueError):
            raise error(_("The annotation's version is not a number."), "bad_version") from None
    deleted, _detail = rows.delete()
    if not deleted:
        raise error(
            _("Someone changed this annotation after you opened it; it was not deleted."),
            "conflict",
        )


def other_mentions(
    annotation: Annotation,
    *,
    membership: Membership | None = None,
    covered: list[tuple[int, int]] | None = None,
):
    """Other places in the current body where the same name occurs (folded, with clitic
    prefixes), not overlapping ``covered`` spans (e.g. mentions already tagged)."""
    body = annotation.article.current_revision.body
    if covered is None:
        covered = list(
            Annotation.objects.filter(
                article=annotation.article,
                kind=AnnotationKind.ENTITY,
                label=annotation.label,
                revision_id=annotation.article.current_revision_id,
            )
            .filter(visible_q(membership) if membership else Q())
            .values_list("start", "end")
        )
    spans = []
    for start, end in find_folded(body, annotation.exact):
        if any(s < end and start < e for s, e in covered):
            continue
        spans.append((start, end))
    return spans


@transaction.atomic
def annotation_tag_others(*, annotation: Annotation, membership: Membership) -> list[Annotation]:
    """Tag every other occurrence of an entity mention's name in the article, in one go."""
    if annotation.kind != AnnotationKind.ENTITY:
        raise error(_("Only entity mentions can be tagged elsewhere."), "bad_kind")
    article = annotation.article
    created = []
    for start, end in other_mentions(annotation, membership=membership):
        created.append(
            annotation_create(
                article=article,
                membership=membership,
                kind=AnnotationKind.ENTITY,
                start=start,
                end=end,
                exact=article.current_revision.body[start:end],
                revision=None,
                label=annotation.label,
                entity=annotation.entity,
                visibility=annotation.visibility,
            )
        )
    return created


@transaction.atomic
def status_change(*, annotation: Annotation, actor, to_status: str, reason: str = "") -> bool:
    """Move ``annotation`` to ``to_status`` if it is still in the status we read, and write
    the review event. Returns False when someone else changed it first. The version moves on,
    so ETags and live updates see the change."""
    from_status = annotation.status
    changed = Annotation.objects.filter(pk=annotation.pk, status=from_status).update(
        status=to_status, version=F("version") + 1, modified=timezone.now()
    )
    if changed:
        ReviewEvent.objects.create(
            annotation=annotation,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
        annotation.status = to_status
        annotation.version += 1
    return bool(changed)


@dataclass
class ReanchorReport:
    kept: int = 0
    moved_by_quote: int = 0
    orphaned: int = 0


def reanchor_article(*, old: Revision, new: Revision, actor) -> ReanchorReport:
    """Move every anchored annotation of ``old`` onto ``new`` (exact position, else by quote,
    else orphaned with a review event). Nothing is deleted."""
    report = ReanchorReport()
    annotations = list(
        Annotation.objects.select_for_update()
        .filter(article_id=new.article_id)
        .exclude(status=Status.ORPHANED)
    )
    if not annotations:
        return report
    now = timezone.now()
    selectors = [TextSelector(a.start, a.end, a.exact, a.prefix, a.suffix) for a in annotations]
    results = reanchor_many(old.body, new.body, selectors)
    moved = []
    for annotation, result in zip(annotations, results, strict=True):
        if result.status == ORPHANED:
            report.orphaned += 1
            status_change(
                annotation=annotation,
                actor=actor,
                to_status=Status.ORPHANED,
                reason=_("Its text was not found in revision %(n)s.") % {"n": new.number},
            )
            continue
        if result.status == QUOTE:
            report.moved_by_quote += 1
        else:
            report.kept += 1
        selector = make_selector(new.body, result.start, result.end)
        annotation.revision = new
        annotation.start, annotation.end = selector.start, selector.end
        annotation.exact, annotation.prefix, annotation.suffix = (
            selector.exact,
            selector.prefix,
            selector.suffix,
        )
        annotation.version += 1
        annotation.modified = now
        moved.append(annotation)
    Annotation.objects.bulk_update(
        moved,
        ["revision", "start", "end", "exact", "prefix", "suffix", "version", "modified"],
        batch_size=500,
    )
    return report


def entity_create(*, team, membership: Membership, name: str, type, aliases=(), wikidata_id=""):
    if not membership.can_annotate:
        raise PermissionDenied
    name = clean_user_text(name or "", multiline=False)
    if not name:
        raise error(_("Give the entity a name."), "name_required")
    if len(name) > 200:
        raise error(_("The name is too long."), "too_long")
    label = _label(team, type, LabelKind.ENTITY)
    if label is None:
        raise error(_("Choose an entity type."), "label_required")
    aliases = [clean_user_text(a, multiline=False) for a in aliases if a and a.strip()]
    existing = Entity.objects.filter(team=team, name=name).first()
    if existing:
        return existing
    entity = Entity(
        team=team,
        name=name,
        type=label,
        aliases=aliases,
        wikidata_id=wikidata_id.strip(),
        created_by=membership.user,
    )
    entity.full_clean(exclude=["team", "type", "created_by", "search_key"], validate_unique=False)
    entity.search_key = entity_search_key(entity)
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError:  # someone created the same name a moment ago: use theirs
        return Entity.objects.get(team=team, name=name)
    return entity


def entity_search_key(entity: Entity) -> str:
    return "\n".join(fold(n) for n in [entity.name, *entity.aliases])


def entity_search(team, query: str, *, limit: int = 10) -> list[Entity]:
    """Team entities whose name or an alias contains the folded query (Arabic folding)."""
    folded = fold(clean_user_text(query or "", multiline=False))
    if not folded:
        return list(
            Entity.objects.filter(team=team).select_related("type").order_by("name")[:limit]
        )
    return list(
        Entity.objects.filter(team=team, search_key__contains=folded)
        .select_related("type")
        .order_by("name")[:limit]
    )


REVIEW_ACTIONS = {
    # action: (new status, needs reviewer, statuses it applies to)
    "approve": (Status.APPROVED, True, {Status.PENDING, Status.FLAGGED, Status.REJECTED}),
    "reject": (Status.REJECTED, True, {Status.PENDING, Status.FLAGGED, Status.APPROVED}),
    "reopen": (Status.PENDING, True, {Status.APPROVED, Status.REJECTED, Status.FLAGGED}),
    "flag": (Status.FLAGGED, False, {Status.PENDING, Status.APPROVED}),
}


def annotation_review(
    *, annotation: Annotation, membership: Membership, action: str, reason: str, seen_status: str
) -> Annotation:
    """Approve, reject, reopen (reviewers) or flag (any member, with a reason) an annotation,
    provided it is still in the status the user saw. Writes the review event."""
    if action not in REVIEW_ACTIONS:
        raise error(_("Unknown review action."), "bad_action")
    to_status, needs_reviewer, allowed_from = REVIEW_ACTIONS[action]
    if needs_reviewer and not membership.can_review:
        raise PermissionDenied
    reason = _text(reason, field=_("reason"), limit=2000)
    if action == "flag" and not reason:
        raise error(
            _("Say why you flag it, so a reviewer knows what to look at."), "reason_required"
        )
    if annotation.status == Status.ORPHANED:
        raise error(
            _(
                "This annotation lost its place in the text; it cannot be reviewed until it is "
                "placed again."
            ),
            "orphaned",
        )
    if seen_status and seen_status != annotation.status:
        raise error(
            _("Someone else reviewed this annotation meanwhile (it is now “%(status)s”).")
            % {"status": annotation.get_status_display()},
            "conflict",
        )
    if annotation.status not in allowed_from:
        raise error(
            _("This cannot be done to an annotation that is “%(status)s”.")
            % {"status": annotation.get_status_display()},
            "bad_transition",
        )
    if not status_change(
        annotation=annotation, actor=membership.user, to_status=to_status, reason=reason
    ):
        annotation.refresh_from_db()
        raise error(
            _("Someone else reviewed this annotation meanwhile (it is now “%(status)s”).")
            % {"status": annotation.get_status_display()},
            "conflict",
        )
    return annotation
