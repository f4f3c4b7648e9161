"""Pages. Each view: access check → form → service → render (or redirect)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import queries, services
from .access import get_article_for_user, get_team_for_user, memberships_for, team_choices_for
from .annotation_views import annotated_context
from .forms import ArticleEditForm, DebrisRuleForm, ImportForm, MemberAddForm, MemberRoleForm
from .models import DebrisRule, Membership, Role
from .rendering import render_body
from .search import search_articles, search_entities, snippet
from .text.debris import DEFAULT_RULES
from .text.language import direction_for

PAGE_SIZE = 20


@login_required
def library(request: HttpRequest) -> HttpResponse:
    team_slug = request.GET.get("team", "")
    language = request.GET.get("language", "")
    memberships = list(memberships_for(request.user))
    articles = queries.library_articles(request.user, team_slug=team_slug, language=language)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = queries.approved_annotation_counts(a.pk for a in page.object_list)
    for article in page.object_list:
        article.annotation_count = counts.get(article.pk, 0)
    return render(
        request,
        "reader/library.html",
        {
            "page": page,
            "memberships": memberships,
            "languages": queries.library_languages(request.user) if memberships else [],
            "team_slug": team_slug,
            "language": language,
            "can_import": any(m.can_annotate for m in memberships),
            "filtered": bool(team_slug or language),
            "filter_query": urlencode(
                {k: v for k, v in (("team", team_slug), ("language", language)) if v}
            ),
        },
    )


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article, membership = get_article_for_user(request.user, pk)
    context = {"article": article, "membership": membership}
    context.update(annotated_context(article, membership))
    if request.htmx and request.htmx.target == "annotated":
        return render(request, "reader/_annotated.html", context)
    return render(request, "reader/article_detail.html", context)


@login_required
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    article, membership = get_article_for_user(request.user, pk)
    revisions = article.revisions.select_related("created_by").defer("body", "blocks")
    return render(
        request,
        "reader/revision_list.html",
        {"article": article, "membership": membership, "revisions": revisions},
    )


@login_required
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article, membership = get_article_for_user(request.user, pk)
    revision = article.revisions.filter(number=number).first()
    if revision is None:
        raise Http404
    return render(
        request,
        "reader/revision_detail.html",
        {
            "article": article,
            "membership": membership,
            "revision": revision,
            "is_current": revision.pk == article.current_revision_id,
            "body_html": render_body(revision.body, revision.blocks),
        },
    )


METADATA_FIELDS = [
    "title",
    "byline",
    "source_name",
    "source_url",
    "published",
    "language",
    "direction",
    "modified",
]


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article, membership = get_article_for_user(request.user, pk, role=Role.REVIEWER)
    current = article.current_revision
    if request.method == "POST":
        form = ArticleEditForm(request.POST, instance=article)
        if form.is_valid():
            blocks = services.blocks_from_editor_text(form.cleaned_data["body"], previous=current)
            try:
                with transaction.atomic():
                    article = form.save(commit=False)
                    if "language" in form.changed_data and "direction" not in form.changed_data:
                        article.direction = direction_for(article.language, current.body)
                    # current_revision is left alone: article_revise moves it, under a lock
                    article.save(update_fields=METADATA_FIELDS)
                    revision, report = services.article_revise(
                        article=article,
                        user=request.user,
                        blocks=blocks,
                        summary=form.cleaned_data.get("summary", ""),
                        base_revision=form.cleaned_data["base_revision"],
                    )
            except ValidationError as error:
                form.add_error("body", error)
            else:
                if revision is None:
                    messages.success(request, _("Saved. The body did not change."))
                else:
                    messages.success(
                        request,
                        _(
                            "Saved as revision %(number)s. Annotations: %(kept)s kept in place, "
                            "%(quote)s found again by their quote, %(orphaned)s orphaned "
                            "(waiting for a reviewer)."
                        )
                        % {
                            "number": revision.number,
                            "kept": report.kept,
                            "quote": report.moved_by_quote,
                            "orphaned": report.orphaned,
                        },
                    )
                return redirect(article)
    else:
        form = ArticleEditForm(
            instance=article,
            initial={"body": services.editor_text_for(current), "base_revision": current.number},
        )
    return render(
        request,
        "reader/article_edit.html",
        {"article": article, "membership": membership, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_import(request: HttpRequest) -> HttpResponse:
    teams = team_choices_for(request.user, role=Role.ANNOTATOR)
    if not teams:
        raise Http404
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, teams=teams)
        if form.is_valid():
            try:
                result = services.article_import(
                    team=form.cleaned_data["team"],
                    user=request.user,
                    document=form.cleaned_data["document"],
                    language=form.cleaned_data["language"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if not result.created:
                    messages.info(
                        request,
                        _(
                            "This article is already in the team (same %(what)s); nothing was imported."
                        )
                        % {
                            "what": _("source URL")
                            if result.duplicate_reason == "source_url"
                            else _("text")
                        },
                    )
                    return redirect(result.article)
                messages.success(
                    request, _("Imported “%(title)s”.") % {"title": result.article.title}
                )
                return redirect("import_report", pk=result.article.pk)
    else:
        form = ImportForm(teams=teams, initial={"team": request.GET.get("team")})
    return render(request, "reader/import.html", {"form": form})


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    article, membership = get_article_for_user(request.user, pk)
    first = article.revisions.filter(number=1).first()
    removals = list(enumerate(first.removals)) if first else []
    return render(
        request,
        "reader/import_report.html",
        {
            "article": article,
            "membership": membership,
            "revision": article.current_revision,
            "removals": removals,
            "can_restore": membership.can_annotate,
        },
    )


@login_required
@require_POST
def removal_restore(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    article, _membership = get_article_for_user(request.user, pk, role=Role.ANNOTATOR)
    try:
        revision, _report = services.removal_restore(
            article=article, user=request.user, index=index
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The text is back, as revision %(number)s.") % {"number": revision.number}
        )
    return redirect("import_report", pk=article.pk)


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reader/team_list.html", {"teams": queries.teams_with_counts(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    form = MemberAddForm()
    if request.method == "POST":
        if not membership.can_manage:
            raise PermissionDenied
        form = MemberAddForm(request.POST)
        if form.is_valid():
            try:
                added = services.membership_add(
                    team=team,
                    username=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                form.add_error("username", error)
            else:
                messages.success(
                    request,
                    _("%(name)s joined the team as %(role)s.")
                    % {"name": added.user.username, "role": added.get_role_display()},
                )
                return redirect(team)
    return render(
        request,
        "reader/team_detail.html",
        {
            "team": team,
            "membership": membership,
            "members": queries.team_members(team),
            "form": form,
            "role_form": MemberRoleForm(),
            "roles": Role.choices,
        },
    )


@login_required
@require_POST
def member_update(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug, role=Role.OWNER)
    target = team.memberships.select_related("user").filter(pk=member_id).first()
    if target is None:
        raise Http404
    if request.POST.get("remove"):
        if target.pk == membership.pk:
            messages.error(request, _("You cannot remove yourself from the team."))
        else:
            target.delete()
            messages.success(request, _("%(name)s left the team.") % {"name": target.user.username})
        return redirect(team)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            # Lock the owners: two owners stepping down at once must leave one.
            owners = list(team.memberships.select_for_update().filter(role=Role.OWNER))
            if (
                target.role == Role.OWNER
                and form.cleaned_data["role"] != Role.OWNER
                and len(owners) <= 1
            ):
                messages.error(request, _("A team needs at least one owner."))
                return redirect(team)
            Membership.objects.filter(pk=target.pk).update(role=form.cleaned_data["role"])
        messages.success(
            request, _("%(name)s's role was changed.") % {"name": target.user.username}
        )
    return redirect(team)


@login_required
@require_http_methods(["GET", "POST"])
def team_rules(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    form = DebrisRuleForm(team=team)
    if request.method == "POST":
        if not membership.can_manage:
            raise PermissionDenied
        form = DebrisRuleForm(request.POST, team=team)
        if form.is_valid():
            rule = form.save(commit=False)
            rule.team = team
            rule.save()
            messages.success(request, _("The rule “%(name)s” was added.") % {"name": rule.name})
            return redirect("team_rules", slug=team.slug)
    overrides = {row.name: row for row in DebrisRule.objects.filter(team=team)}
    builtin = [(rule, overrides.pop(rule.name, None)) for rule in DEFAULT_RULES]
    return render(
        request,
        "reader/team_rules.html",
        {
            "team": team,
            "membership": membership,
            "builtin": builtin,
            "rules": sorted(overrides.values(), key=lambda r: r.name),
            "form": form,
        },
    )


@login_required
@require_POST
def team_rule_toggle(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """Switch a built-in rule off for the team, or back on."""
    team, _membership = get_team_for_user(request.user, slug, role=Role.OWNER)
    builtin = {rule.name: rule for rule in DEFAULT_RULES}
    if name not in builtin:
        raise Http404
    override = DebrisRule.objects.filter(team=team, name=name).first()
    if override is not None and override.enabled:  # the team's own replacement: switch it off
        override.enabled = False
        override.save(update_fields=["enabled"])
        messages.success(request, _("The rule “%(name)s” is off for this team.") % {"name": name})
    elif override is None:
        rule = builtin[name]
        DebrisRule.objects.create(
            team=team,
            name=name,
            kind=rule.kind,
            pattern=rule.pattern,
            description=rule.description,
            enabled=False,
        )
        messages.success(request, _("The rule “%(name)s” is off for this team.") % {"name": name})
    else:
        override.delete()
        messages.success(request, _("The rule “%(name)s” is on again.") % {"name": name})
    return redirect("team_rules", slug=team.slug)


@login_required
@require_POST
def team_rule_delete(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    team, _membership = get_team_for_user(request.user, slug, role=Role.OWNER)
    rule = DebrisRule.objects.filter(team=team, pk=rule_id).first()
    if rule is None:
        raise Http404
    rule.delete()
    messages.success(request, _("The rule “%(name)s” was removed.") % {"name": rule.name})
    return redirect("team_rules", slug=team.slug)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    articles, folded = search_articles(request.user, query)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    for article in page.object_list:
        article.snippet = snippet(article.current_revision.body, folded)
    return render(
        request,
        "reader/search.html",
        {
            "query": query,
            "page": page,
            "entities": search_entities(request.user, folded),
            "too_short": bool(query) and len(folded.strip()) < 2,
            "filter_query": urlencode({"q": query}),
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
