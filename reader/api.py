"""The JSON API: a W3C Web Annotation Protocol server (containers per article).

Authentication: ``Authorization: Bearer <token>`` (no CSRF needed) or the browser session
(CSRF enforced for unsafe methods). Errors are JSON ``{"error": {"code", "message"}}`` with
stable codes. Another team's objects are 404, like everywhere else.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import annotations as svc
from .access import get_annotation_for_user, get_article_for_user
from .annotation_import import create_from_parsed, parsed_fields, resolve_position
from .models import Annotation
from .tokens import user_for_token
from .w3c import (
    ANNO_CONTEXT,
    MEDIA_TYPE,
    annotation_iri,
    article_iri,
    base_url,
    joined,
    parse_annotation,
    to_jsonld,
    with_joins,
)

logger = logging.getLogger(__name__)
PAGE_SIZE = 100
MAX_BODY = 1024 * 1024
LDP = "http://www.w3.org/ns/ldp#"
OA = "http://www.w3.org/ns/oa#"
CONSTRAINED_BY = (
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
CONTAINER_ALLOW = "GET, HEAD, OPTIONS, POST"
ANNOTATION_ALLOW = "GET, HEAD, OPTIONS, PUT, DELETE"


def api_error(status: int, code: str, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    check = CsrfViewMiddleware(lambda r: HttpResponse())
    check.process_request(request)
    return check.process_view(request, None, (), {})


def api_view(allow: str):
    """Authenticate, enforce CSRF for session writes, answer OPTIONS and 405, map access
    errors to JSON. ``csrf_exempt`` applies to token requests only: session requests are
    checked here."""
    methods = {m.strip() for m in allow.split(",")}

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            if header:
                scheme, _sep, secret = header.partition(" ")
                user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
                if user is None:
                    return api_error(
                        401,
                        "bad_token",
                        _("The API token is missing, wrong or revoked."),
                        WWW_Authenticate='Bearer realm="hamish"',
                    )
                request.user = user
            elif not request.user.is_authenticated:
                return api_error(
                    401,
                    "unauthenticated",
                    _("Log in or send an API token."),
                    WWW_Authenticate='Bearer realm="hamish"',
                )
            elif request.method not in ("GET", "HEAD", "OPTIONS"):
                failure = _csrf_failure(request)
                if failure is not None:
                    return api_error(403, "csrf", _("The CSRF token is missing or wrong."))
            if request.method not in methods:
                return api_error(
                    405, "method_not_allowed", _("This method is not allowed here."), Allow=allow
                )
            try:
                response = view(request, *args, **kwargs)
            except (Http404, ObjectDoesNotExist):
                return api_error(404, "not_found", _("Not found."))
            except PermissionDenied:
                return api_error(403, "forbidden", _("Your role does not allow this."))
            except Exception:  # an API client gets JSON, never an HTML error page
                logger.exception("API error on %s %s", request.method, request.path)
                return api_error(500, "server_error", _("Something went wrong on the server."))
            response["Allow"] = allow
            response.setdefault("Vary", "Accept, Prefer, Authorization, Cookie")
            if request.method == "HEAD":
                response.content = b""
            return response

        return wrapper

    return decorate


def ld_response(data, *, status: int = 200, links: list[str] = (), **headers) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=MEDIA_TYPE
    )
    if links:
        response["Link"] = ", ".join(links)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _read_json(request: HttpRequest):
    if len(request.body) > MAX_BODY:
        raise ValidationError(_("The request body is too large."), code="too_large")
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("The request body is not valid JSON: %(error)s") % {"error": error},
            code="bad_json",
        ) from None


def error_response(error: ValidationError) -> JsonResponse:
    """A refused write as JSON with its stable code (a stale revision is a 409)."""
    code = getattr(error, "code", None) or "invalid"
    status = 409 if code == "stale_revision" else 400
    return api_error(status, code, " ".join(error.messages))


def etag_for(annotation: Annotation) -> str:
    return f'"{annotation.pk}-{annotation.version}"'


def _matches(header: str, etag: str) -> bool:
    return any(tag.strip() in (etag, "*", "W/" + etag) for tag in header.split(","))


@api_view("GET, HEAD, OPTIONS")
def api_root(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "name": "Hamish",
            "openapi": request.build_absolute_uri(reverse("api_openapi")),
            "annotation_containers": request.build_absolute_uri("/api/articles/{id}/annotations/"),
            "user": request.user.get_username(),
        }
    )


def _prefer(request: HttpRequest) -> str:
    header = request.headers.get("Prefer", "")
    if f"{LDP}PreferMinimalContainer" in header:
        return "minimal"
    if f"{OA}PreferContainedIRIs" in header:
        return "iris"
    return "descriptions"


@api_view(CONTAINER_ALLOW)
def container(request: HttpRequest, pk: int) -> HttpResponse:
    article, membership = get_article_for_user(request.user, pk)
    if request.method == "POST":
        return _container_post(request, article, membership)
    base = base_url(request)
    annotations = svc.visible_annotations(membership, article)
    total = annotations.count()
    last_change = max(
        (str(v) for v in annotations.values_list("modified", flat=True).order_by("-modified")[:1]),
        default="",
    )
    prefer = _prefer(request)
    page = request.GET.get("page")
    iris = request.GET.get("iris") == "1" or prefer == "iris"
    etag = (
        '"'
        + hashlib.sha256(
            f"{total}|{last_change}|{page}|{iris}|{prefer}|{membership.role}".encode()
        ).hexdigest()[:32]
        + '"'
    )
    if _matches(request.headers.get("If-None-Match", ""), etag):
        return HttpResponse(status=304, headers={"ETag": etag})
    container_iri = base + reverse("api_container", args=[article.pk])
    last_page = max(0, (total - 1) // PAGE_SIZE)
    suffix = "iris=1&" if iris else ""
    if page is not None:
        try:
            number = int(page)
        except ValueError:
            number = -1
        if number < 0 or number > last_page:
            raise Http404
        return ld_response(
            _page(annotations, number, last_page, total, container_iri, suffix, iris, base),
            links=[f'<{LDP}Resource>; rel="type"', CONSTRAINED_BY],
            ETag=etag,
        )
    collection = {
        "@context": [ANNO_CONTEXT, "http://www.w3.org/ns/ldp.jsonld"],
        "id": container_iri,
        "type": ["BasicContainer", "AnnotationCollection"],
        "label": article.title,
        "total": total,
    }
    if total:
        if prefer == "minimal":
            collection["first"] = f"{container_iri}?{suffix}page=0"
        else:
            first = _page(annotations, 0, last_page, total, container_iri, suffix, iris, base)
            del first["@context"]
            collection["first"] = first
        collection["last"] = f"{container_iri}?{suffix}page={last_page}"
    applied = {
        "minimal": f'return=representation;include="{LDP}PreferMinimalContainer"',
        "iris": f'return=representation;include="{OA}PreferContainedIRIs"',
        "descriptions": f'return=representation;include="{OA}PreferContainedDescriptions"',
    }[prefer]
    return ld_response(
        collection,
        links=[f'<{LDP}BasicContainer>; rel="type"', CONSTRAINED_BY],
        ETag=etag,
        Accept_Post=MEDIA_TYPE,
        Preference_Applied=applied,
    )


def _page(annotations, number, last_page, total, container_iri, suffix, iris, base) -> dict:
    start = number * PAGE_SIZE
    rows = annotations[start : start + PAGE_SIZE]
    if iris:
        items = [annotation_iri(pk, base) for pk in rows.values_list("pk", flat=True)]
    else:
        # each item carries its @context: the W3C test suite checks page items on their own
        items = [to_jsonld(a, base=base) for a in with_joins(rows)]
    page = {
        "@context": ANNO_CONTEXT,
        "id": f"{container_iri}?{suffix}page={number}",
        "type": "AnnotationPage",
        "partOf": container_iri,
        "startIndex": start,
        "items": items,
    }
    if number < last_page:
        page["next"] = f"{container_iri}?{suffix}page={number + 1}"
    if number > 0:
        page["prev"] = f"{container_iri}?{suffix}page={number - 1}"
    return page


def _container_post(request, article, membership) -> HttpResponse:
    if not membership.can_annotate:
        return api_error(403, "not_allowed", _("Your role cannot annotate."))
    base = base_url(request)
    try:
        parsed = parse_annotation(_read_json(request))
        accepted = {article.source_url, article_iri(article.pk, base)} - {""}
        if parsed.source not in accepted and parsed.article_iri not in accepted:
            raise ValidationError(
                _("The target's source is not this container's article (%(iri)s).")
                % {"iri": sorted(accepted)[0]},
                code="target_mismatch",
            )
        if parsed.start is None:
            resolved = resolve_position(article, parsed)
            if isinstance(resolved, str):
                raise ValidationError(resolved, code="quote_not_found")
            _status, parsed.start, parsed.end = resolved
        with transaction.atomic():  # a refused annotation leaves no new entity behind
            annotation = create_from_parsed(
                article=article,
                membership=membership,
                parsed=parsed,
                start=parsed.start,
                end=parsed.end,
            )
    except ValidationError as error:
        return error_response(error)
    annotation = joined(annotation.pk)
    iri = annotation_iri(annotation.pk, base)
    return ld_response(
        to_jsonld(annotation, base=base),
        status=201,
        links=[f'<{LDP}Resource>; rel="type"', f'<{OA}Annotation>; rel="type"'],
        Location=iri,
        ETag=etag_for(annotation),
    )


@api_view(ANNOTATION_ALLOW)
def annotation(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_annotation_for_user(request.user, pk)
    base = base_url(request)
    etag = etag_for(found)
    links = [f'<{LDP}Resource>; rel="type"', f'<{OA}Annotation>; rel="type"', CONSTRAINED_BY]
    if request.method in ("GET", "HEAD"):
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return HttpResponse(status=304, headers={"ETag": etag})
        row = joined(pk)
        return ld_response(to_jsonld(row, base=base), links=links, ETag=etag)
    if request.method == "OPTIONS":
        return HttpResponse(status=200)
    condition = request.headers.get("If-Match")
    if not condition:
        return api_error(
            428,
            "precondition_required",
            _("Send If-Match with the annotation's ETag, so a change made meanwhile is not lost."),
        )
    if not _matches(condition, etag):
        return api_error(
            412,
            "precondition_failed",
            _("The annotation changed since you read it (its ETag is now %(etag)s).")
            % {"etag": etag},
            ETag=etag,
        )
    if found.author_id != request.user.pk:
        return api_error(
            403, "not_author", _("Only the author can change or delete an annotation.")
        )
    if request.method == "DELETE":
        try:
            svc.annotation_delete(annotation=found, membership=membership, version=found.version)
        except ValidationError as error:
            return api_error(412, "precondition_failed", " ".join(error.messages))
        return HttpResponse(status=204)
    try:
        with transaction.atomic():  # entities named in it are created only if it saves
            parsed = parse_annotation(_read_json(request))
            if parsed.kind != found.kind:
                raise ValidationError(
                    _("An annotation's kind cannot change (it is a %(kind)s).")
                    % {"kind": found.get_kind_display()},
                    code="kind_change",
                )
            kwargs = parsed_fields(parsed, found.article, membership)
            changes = {k: kwargs[k] for k in ("note", "visibility")}
            if found.kind == "entity":
                changes.update(label=kwargs["label"], entity=kwargs["entity"])
            if found.kind == "claim":
                for name in ("claim_text", "speaker", "check_worthiness", "verdict", "evidence"):
                    changes[name] = kwargs[name]
            if (parsed.start, parsed.end, parsed.exact) != (found.start, found.end, found.exact):
                changes["span"] = (parsed.start, parsed.end, parsed.exact)
            updated = svc.annotation_update(
                annotation=found, membership=membership, version=found.version, changes=changes
            )
    except ValidationError as error:
        if getattr(error, "code", "") == "conflict":
            return api_error(412, "precondition_failed", " ".join(error.messages))
        return error_response(error)
    row = joined(updated.pk)
    return ld_response(to_jsonld(row, base=base), links=links, ETag=etag_for(row))
