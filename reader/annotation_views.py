"""Annotating: the endpoints behind the selection toolbar, edit/delete, entities, claims,
labels. Access always goes through ``reader.access``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import annotations as svc
from .access import (
    get_annotation_for_user,
    get_article_for_user,
    get_entity_for_user,
    get_team_for_user,
)
from .api import error_response
from .forms import AnnotationEditForm, EntityForm, LabelForm
from .labels import CLAIM_COLOUR, HIGHLIGHT_COLOUR
from .models import (
    Annotation,
    AnnotationKind,
    CheckWorthiness,
    Entity,
    Label,
    LabelKind,
    Role,
    Visibility,
)
from .rendering import render_body

SIDEBAR_PAGE = 50


def colour_for(kind: str, label_colour: str | None, verdict_colour: str | None) -> str:
    if kind == AnnotationKind.ENTITY and label_colour:
        return label_colour
    if kind == AnnotationKind.CLAIM:
        return verdict_colour or CLAIM_COLOUR
    return HIGHLIGHT_COLOUR


def annotation_colour(annotation: Annotation) -> str:
    return colour_for(
        annotation.kind,
        annotation.label.colour if annotation.label_id else None,
        annotation.verdict.colour if annotation.verdict_id else None,
    )


def sidebar_items(membership, article, *, page: int = 1, ids: list[int] | None = None):
    """One page of the sidebar, in reading order (or the given ids), as model objects."""
    rows = svc.visible_annotations(membership, article).filter(
        revision_id=article.current_revision_id
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    else:
        start = (page - 1) * SIDEBAR_PAGE
        rows = rows[start : start + SIDEBAR_PAGE]
    items = list(rows)
    for a in items:
        a.colour = annotation_colour(a)
    return items


def annotated_context(article, membership) -> dict:
    """What the reader page's annotated region needs: body HTML with every mark, the first
    page of the sidebar, and the team's labels for the annotation dialogs.

    The marks come from plain tuples (no model objects), and the sidebar holds one page:
    the page's cost grows with the number of annotations only through the marks.
    """
    revision = article.current_revision
    spans = list(
        svc.visible_annotations(membership, article)
        .filter(revision=revision)
        .values_list("pk", "start", "end", "kind", "label__colour", "verdict__colour")
    )
    orphaned = svc.visible_annotations(membership, article).filter(status="orphaned").count()
    colours = {pk: colour_for(kind, lc, vc) for pk, _s, _e, kind, lc, vc in spans}
    labels = list(Label.objects.filter(team_id=article.team_id))
    total = len(spans)
    return {
        "revision": revision,
        "annotations": sidebar_items(membership, article),
        "annotation_total": total,
        "more_page": 2 if total > SIDEBAR_PAGE else None,
        "orphaned_count": orphaned,
        "body_html": render_body(
            revision.body,
            revision.blocks,
            [(pk, start, end) for pk, start, end, *_rest in spans],
            colours=colours,
        ),
        "entity_labels": [label for label in labels if label.kind == LabelKind.ENTITY],
        "verdict_labels": [label for label in labels if label.kind == LabelKind.VERDICT],
        "worthiness_choices": CheckWorthiness.choices,
        "visibility_choices": Visibility.choices,
    }


@login_required
@require_GET
def annotation_items(request: HttpRequest, pk: int) -> HttpResponse:
    """More sidebar items: the next page (``?page=N``) or given ids (``?ids=1,2``)."""
    article, membership = get_article_for_user(request.user, pk)
    ids = None
    if request.GET.get("ids"):
        ids = [int(i) for i in request.GET["ids"].split(",")[:50] if i.isascii() and i.isdigit()]
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    items = sidebar_items(membership, article, page=page, ids=ids)
    total = (
        svc.visible_annotations(membership, article)
        .filter(revision_id=article.current_revision_id)
        .count()
    )
    context = {
        "article": article,
        "membership": membership,
        "annotations": items,
        "more_page": page + 1 if ids is None and page * SIDEBAR_PAGE < total else None,
    }
    if not request.htmx and ids is None:  # a plain link: a whole page, works without JS
        return render(request, "reader/annotation_page.html", context)
    return render(request, "reader/_annotation_items.html", context)


@login_required
@require_POST
def annotation_create(request: HttpRequest, pk: int) -> JsonResponse:
    """Create one annotation from the selection toolbar (form-encoded; answers JSON)."""
    article, membership = get_article_for_user(request.user, pk)
    if not membership.can_annotate:
        return JsonResponse(
            {"error": {"code": "not_allowed", "message": _("Your role cannot annotate.")}},
            status=403,
        )
    data = request.POST
    entity, speaker = data.get("entity", ""), data.get("speaker", "")
    try:
        with transaction.atomic():  # a refused annotation leaves no new entity behind
            if data.get("kind") == AnnotationKind.ENTITY and entity == "new":
                entity = svc.entity_create(
                    team=article.team,
                    membership=membership,
                    name=data.get("entity_name") or data.get("exact", ""),
                    type=data.get("label"),
                )
            if data.get("kind") == AnnotationKind.CLAIM and speaker == "new":
                speaker = svc.entity_create(
                    team=article.team,
                    membership=membership,
                    name=data.get("speaker_name", ""),
                    type="person",
                )
            annotation = svc.annotation_create(
                article=article,
                membership=membership,
                kind=data.get("kind", ""),
                start=data.get("start"),
                end=data.get("end"),
                # multipart form fields arrive with CRLF line ends; the body only has "\n"
                exact=data.get("exact", "").replace("\r\n", "\n"),
                revision=data.get("revision"),
                label=data.get("label"),
                entity=entity,
                note=data.get("note", ""),
                visibility=data.get("visibility") or Visibility.TEAM,
                claim_text=data.get("claim_text", ""),
                speaker=speaker,
                check_worthiness=data.get("check_worthiness"),
                verdict=data.get("verdict"),
                evidence=data.get("evidence", ""),
            )
    except ValidationError as err:
        return error_response(err)
    others = (
        svc.other_mentions(annotation, membership=membership)
        if annotation.kind == AnnotationKind.ENTITY
        else []
    )
    response = JsonResponse(
        {
            "id": annotation.pk,
            "start": annotation.start,
            "end": annotation.end,
            "exact": annotation.exact,
            "others": len(others),
            "tag_others_url": reverse("annotation_tag_others", args=[annotation.pk])
            if others
            else "",
            "message": _("Saved."),
        },
        status=201,
    )
    response["HX-Trigger"] = "annotation-changed"
    return response


@login_required
@require_POST
def annotation_tag_others(request: HttpRequest, pk: int) -> HttpResponse:
    annotation, membership = get_annotation_for_user(request.user, pk)
    if annotation.author_id != request.user.pk:
        raise PermissionDenied
    try:
        created = svc.annotation_tag_others(annotation=annotation, membership=membership)
    except ValidationError as err:
        return error_response(err)
    message = _("Tagged %(n)s more mentions.") % {"n": len(created)}
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"created": [a.pk for a in created], "message": message})
    messages.success(request, message)
    return redirect(annotation.article)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    annotation, membership = get_annotation_for_user(request.user, pk)
    if annotation.author_id != request.user.pk or not membership.can_annotate:
        raise PermissionDenied
    team = annotation.article.team
    form = AnnotationEditForm(annotation=annotation, team=team)
    conflict = False
    if request.method == "POST":
        form = AnnotationEditForm(request.POST, annotation=annotation, team=team)
        if form.is_valid():
            try:
                svc.annotation_update(
                    annotation=annotation,
                    membership=membership,
                    version=form.cleaned_data["version"],
                    changes=form.changes(),
                )
            except ValidationError as err:
                conflict = getattr(err, "code", "") == "conflict"
                if conflict:
                    # Keep what the user typed, but against the version now stored, so
                    # saving again (after comparing) goes through.
                    annotation.refresh_from_db()
                    data = request.POST.copy()
                    data["version"] = str(annotation.version)
                    form = AnnotationEditForm(data, annotation=annotation, team=team)
                    form.is_valid()
                form.add_error(None, err)
            else:
                messages.success(request, _("The annotation was saved."))
                return redirect(annotation.article)
    return render(
        request,
        "reader/annotation_edit.html",
        {
            "annotation": annotation,
            "article": annotation.article,
            "membership": membership,
            "form": form,
            "conflict": conflict,
        },
    )


@login_required
@require_POST
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    annotation, membership = get_annotation_for_user(request.user, pk)
    article = annotation.article
    try:
        svc.annotation_delete(
            annotation=annotation, membership=membership, version=request.POST.get("version")
        )
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(request, _("The annotation was deleted."))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Trigger"] = "annotation-changed"
        return response
    return redirect(article)


@login_required
@require_POST
def annotation_review(request: HttpRequest, pk: int) -> HttpResponse:
    annotation, membership = get_annotation_for_user(request.user, pk)
    try:
        svc.annotation_review(
            annotation=annotation,
            membership=membership,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            seen_status=request.POST.get("status", ""),
        )
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(
            request,
            _("The annotation is now “%(status)s”.") % {"status": annotation.get_status_display()},
        )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Trigger"] = "annotation-changed"
        return response
    return redirect(reverse("article_detail", args=[annotation.article_id]) + f"#annotation-{pk}")


@login_required
def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug, role=Role.REVIEWER)
    status = request.GET.get("status", "pending")
    if status not in ("pending", "flagged", "orphaned", "rejected"):
        status = "pending"
    rows = (
        Annotation.objects.filter(article__team=team, status=status)
        .filter(svc.visible_q(membership))
        .select_related("article", "author", "label", "verdict")
        .order_by("created", "pk")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    counts = dict(
        Annotation.objects.filter(article__team=team)
        .filter(svc.visible_q(membership))
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    for a in page.object_list:
        a.colour = annotation_colour(a)
    return render(
        request,
        "reader/review_queue.html",
        {
            "team": team,
            "membership": membership,
            "page": page,
            "status": status,
            "counts": counts,
            "filter_query": f"status={status}",
        },
    )


@login_required
@require_GET
def entity_search(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    query = request.GET.get("q", "")
    field = request.GET.get("field", "entity")
    if field not in {"entity", "speaker"}:
        field = "entity"
    return render(
        request,
        "reader/_entity_options.html",
        {
            "entities": svc.entity_search(team, query),
            "query": query.strip(),
            "field": field,
            "can_create": membership.can_annotate,
        },
    )


@login_required
def entity_list(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    query = request.GET.get("q", "")
    entities = (
        Entity.objects.filter(team=team)
        .select_related("type")
        .annotate(
            mention_count=Count(
                "mentions", filter=svc.visible_q(membership, prefix="mentions__"), distinct=True
            )
        )
        .order_by("name")
    )
    if query.strip():
        from .text.folding import fold

        entities = entities.filter(search_key__contains=fold(query.strip()))
    page = Paginator(entities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reader/entity_list.html",
        {"team": team, "membership": membership, "page": page, "query": query},
    )


@login_required
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity, membership = get_entity_for_user(request.user, pk)
    mentions = list(
        Annotation.objects.filter(entity=entity)
        .filter(svc.visible_q(membership))
        .select_related("article", "author", "label")
        .order_by("article_id", "start")
    )
    return render(
        request,
        "reader/entity_detail.html",
        {"entity": entity, "team": entity.team, "membership": membership, "mentions": mentions},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entity, membership = get_entity_for_user(request.user, pk)
    if not membership.can_annotate:
        raise PermissionDenied
    form = EntityForm(instance=entity, team=entity.team)
    if request.method == "POST":
        form = EntityForm(request.POST, instance=entity, team=entity.team)
        if form.is_valid():
            form.save()
            messages.success(request, _("The entity was saved."))
            return redirect(entity)
    return render(
        request,
        "reader/entity_edit.html",
        {"entity": entity, "team": entity.team, "membership": membership, "form": form},
    )


@login_required
def claim_list(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    verdict = request.GET.get("verdict", "")
    speaker = request.GET.get("speaker", "")
    claims = (
        Annotation.objects.filter(article__team=team, kind=AnnotationKind.CLAIM)
        .filter(svc.visible_q(membership))
        .select_related("article", "speaker", "verdict", "author")
        .order_by("-created", "-pk")
    )
    if verdict:
        claims = claims.filter(verdict__slug=verdict)
    if speaker.isascii() and speaker.isdigit():
        claims = claims.filter(speaker_id=int(speaker))
    page = Paginator(claims, 30).get_page(request.GET.get("page"))
    speakers = Entity.objects.filter(
        pk__in=Annotation.objects.filter(article__team=team, kind=AnnotationKind.CLAIM)
        .filter(svc.visible_q(membership))
        .values("speaker_id")
    ).order_by("name")
    return render(
        request,
        "reader/claim_list.html",
        {
            "team": team,
            "membership": membership,
            "page": page,
            "verdicts": Label.objects.filter(team=team, kind=LabelKind.VERDICT),
            "speakers": speakers,
            "verdict": verdict,
            "speaker": speaker,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def label_list(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    labels = Label.objects.filter(team=team)
    form = LabelForm(team=team)
    if request.method == "POST":
        if not membership.can_manage:
            raise PermissionDenied
        instance = None
        if request.POST.get("label_id"):
            instance = labels.filter(pk=request.POST["label_id"]).first()
            if instance is None:
                raise Http404
        form = LabelForm(request.POST, team=team, instance=instance)
        if form.is_valid():
            label = form.save(commit=False)
            label.team = team
            label.save()
            messages.success(request, _("The label was saved."))
            return redirect("label_list", slug=team.slug)
    return render(
        request,
        "reader/label_list.html",
        {
            "team": team,
            "membership": membership,
            "entity_labels": [x for x in labels if x.kind == LabelKind.ENTITY],
            "verdict_labels": [x for x in labels if x.kind == LabelKind.VERDICT],
            "form": form,
            "forms": [
                (x, LabelForm(instance=x, team=team, auto_id=f"label{x.pk}_%s")) for x in labels
            ]
            if membership.can_manage
            else [],
        },
    )
