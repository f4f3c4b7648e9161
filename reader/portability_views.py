"""Pages for taking data in and out: exports, annotation import, API tokens, OpenAPI."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import get_article_for_user, get_team_for_user
from .annotation_import import MAX_IMPORT_BYTES, ImportFailed, decode, import_annotations
from .annotations import visible_q
from .exports import FORMATS, stream
from .models import Annotation, ApiToken
from .openapi import SPEC
from .tokens import token_create, token_revoke
from .w3c import base_url


def _export(request, team, annotations, name: str) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        raise Http404
    content_type, extension = FORMATS[fmt]
    response = StreamingHttpResponse(
        stream(fmt, annotations, base=base_url(request), team=team, label=name),
        content_type=content_type,
    )
    filename = (slugify(name, allow_unicode=False) or "hamish") + "." + extension
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def team_export(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    annotations = Annotation.objects.filter(article__team=team).filter(visible_q(membership))
    return _export(request, team, annotations, f"{team.slug}-annotations")


@login_required
@require_GET
def article_export(request: HttpRequest, pk: int) -> HttpResponse:
    article, membership = get_article_for_user(request.user, pk)
    annotations = Annotation.objects.filter(article=article).filter(visible_q(membership))
    return _export(request, article.team, annotations, f"article-{article.pk}-annotations")


class AnnotationImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("W3C JSON-LD (.jsonld, .json) or JSONL (.jsonl), at most 20 MB."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def annotation_import(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    if not membership.can_annotate:
        raise PermissionDenied
    form = AnnotationImportForm()
    report = failure = None
    if request.method == "POST":
        form = AnnotationImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_IMPORT_BYTES:  # refuse before reading it all
                    decode(upload.read(MAX_IMPORT_BYTES + 1))
                report = import_annotations(
                    team=team,
                    membership=membership,
                    text=decode(upload.read()),
                    filename=upload.name,
                )
            except ImportFailed as error:
                failure = error
                report = error.report
            else:
                messages.success(
                    request,
                    _("Imported %(n)s annotations.")
                    % {"n": report.count("imported") + report.count("reanchored")},
                )
    return render(
        request,
        "reader/annotation_import.html",
        {
            "team": team,
            "membership": membership,
            "form": form,
            "report": report,
            "failure": failure,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    secret = ""
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()
        if not name:
            messages.error(request, _("Give the token a name, such as the tool that will use it."))
        else:
            _row, secret = token_create(user=request.user, name=name)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "reader/token_list.html", {"tokens": tokens, "secret": secret})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("token_list")


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(SPEC, json_dumps_params={"ensure_ascii": False})
