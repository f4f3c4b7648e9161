"""The W3C Web Annotation Protocol API: every status code, ETags, Prefer, tokens, CSRF."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reader.models import Annotation, ApiToken
from reader.tokens import token_create
from tests.test_annotations import make_annotation, span_of

LD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


@pytest.fixture
def token(annotator):
    return token_create(user=annotator, name="tests")[1]


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def container_url(article) -> str:
    return reverse("api_container", args=[article.pk])


def new_annotation(article, needle: str, note: str = "ملاحظة") -> dict:
    start, end = span_of(article, needle)
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": [{"type": "TextualBody", "purpose": "commenting", "value": note}],
        "target": {
            "source": f"http://testserver/articles/{article.pk}/",
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": needle},
            ],
        },
    }


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/ld+json", **extra)


def test_post_creates_with_201_location_and_etag(client, token, seed_article):
    response = post_json(
        client, container_url(seed_article), new_annotation(seed_article, "بوتين"), **bearer(token)
    )
    assert response.status_code == 201
    row = Annotation.objects.get()
    assert response["Location"] == f"http://testserver/api/annotations/{row.pk}"
    assert response["ETag"] == f'"{row.pk}-1"'
    assert response["Content-Type"] == LD
    body = response.json()
    assert body["id"] == response["Location"]
    assert body["body"][0]["value"] == "ملاحظة"
    assert body["body"][0]["textDirection"] == "rtl"
    assert (row.note, row.exact) == ("ملاحظة", "بوتين")


def test_get_annotation_has_strong_etag_and_304(client, token, seed_article, annotator):
    row = make_annotation(seed_article, annotator, "بوتين", note="أ")
    url = reverse("api_annotation", args=[row.pk])
    response = client.get(url, **bearer(token))
    etag = response["ETag"]
    assert response.status_code == 200
    assert not etag.startswith("W/")
    assert '<http://www.w3.org/ns/ldp#Resource>; rel="type"' in response["Link"]
    assert response["Allow"] == "GET, HEAD, OPTIONS, PUT, DELETE"
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **bearer(token)).status_code == 304
    head = client.head(url, **bearer(token))
    assert (head.status_code, head.content, head["ETag"]) == (200, b"", etag)
    options = client.options(url, **bearer(token))
    assert options["Allow"] == "GET, HEAD, OPTIONS, PUT, DELETE"


def test_put_needs_if_match_and_changes_etag(client, token, seed_article, annotator):
    row = make_annotation(seed_article, annotator, "بوتين", note="أ")
    url = reverse("api_annotation", args=[row.pk])
    first = client.get(url, **bearer(token))
    doc = first.json()
    doc["body"] = [{"type": "TextualBody", "purpose": "commenting", "value": "ب"}]
    missing = client.put(url, json.dumps(doc), content_type="application/ld+json", **bearer(token))
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    ok = client.put(
        url,
        json.dumps(doc),
        content_type="application/ld+json",
        HTTP_IF_MATCH=first["ETag"],
        **bearer(token),
    )
    assert ok.status_code == 200
    assert ok["ETag"] != first["ETag"]
    row.refresh_from_db()
    assert (row.note, row.version) == ("ب", 2)
    stale = client.put(
        url,
        json.dumps(doc),
        content_type="application/ld+json",
        HTTP_IF_MATCH=first["ETag"],
        **bearer(token),
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    row.refresh_from_db()
    assert row.version == 2


def test_delete_needs_if_match(client, token, seed_article, annotator):
    row = make_annotation(seed_article, annotator, "بوتين")
    url = reverse("api_annotation", args=[row.pk])
    assert client.delete(url, **bearer(token)).status_code == 428
    assert client.delete(url, HTTP_IF_MATCH='"999-9"', **bearer(token)).status_code == 412
    assert Annotation.objects.filter(pk=row.pk).exists()
    assert client.delete(url, HTTP_IF_MATCH=f'"{row.pk}-1"', **bearer(token)).status_code == 204
    assert not Annotation.objects.filter(pk=row.pk).exists()


def test_put_by_non_author_is_403_and_changes_nothing(client, seed_article, annotator, reviewer):
    row = make_annotation(seed_article, annotator, "بوتين", note="أ")
    secret = token_create(user=reviewer, name="r")[1]
    url = reverse("api_annotation", args=[row.pk])
    doc = client.get(url, **bearer(secret)).json()
    response = client.put(
        url,
        json.dumps(doc),
        content_type="application/ld+json",
        HTTP_IF_MATCH=f'"{row.pk}-1"',
        **bearer(secret),
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.version == 1


def test_container_pages_and_prefer(client, token, seed_article, annotator):
    for needle in ["بوتين", "كيم", "موسكو"]:
        make_annotation(seed_article, annotator, needle)
    url = container_url(seed_article)
    full = client.get(url, **bearer(token))
    data = full.json()
    assert full["Content-Type"] == LD
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in full["Link"]
    assert data["type"] == ["BasicContainer", "AnnotationCollection"]
    assert data["total"] == 3
    assert [item["type"] for item in data["first"]["items"]] == ["Annotation"] * 3
    iris = client.get(
        url,
        HTTP_PREFER='return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"',
        **bearer(token),
    ).json()
    assert all(isinstance(i, str) and "/api/annotations/" in i for i in iris["first"]["items"])
    minimal = client.get(
        url,
        HTTP_PREFER='return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"',
        **bearer(token),
    )
    assert minimal.json()["first"] == "http://testserver" + url + "?page=0"
    assert "PreferMinimalContainer" in minimal["Preference-Applied"]
    page = client.get(url, {"page": 0}, **bearer(token)).json()
    assert (page["type"], page["startIndex"], len(page["items"])) == ("AnnotationPage", 0, 3)
    assert client.get(url, {"page": 5}, **bearer(token)).status_code == 404
    assert client.get(url, HTTP_IF_NONE_MATCH=full["ETag"], **bearer(token)).status_code == 304


def test_container_paging_over_many(client, token, seed_article, annotator, settings, monkeypatch):
    from reader import api

    monkeypatch.setattr(api, "PAGE_SIZE", 2)
    for needle in ["بوتين", "كيم", "موسكو", "الكرملين", "أوكرانيا"]:
        make_annotation(seed_article, annotator, needle)
    url = container_url(seed_article)
    collection = client.get(url, **bearer(token)).json()
    assert collection["last"].endswith("?page=2")
    assert collection["first"]["next"].endswith("?page=1")
    seen = []
    page_url = collection["first"]["id"].replace("http://testserver", "")
    while page_url:
        page = client.get(page_url, **bearer(token)).json()
        seen += [item["id"] for item in page["items"]]
        page_url = page.get("next", "").replace("http://testserver", "")
    assert len(seen) == len(set(seen)) == 5


def test_post_errors_have_stable_codes_and_store_nothing(client, token, seed_article):
    url = container_url(seed_article)
    bad_json = client.post(url, "{not json", content_type="application/ld+json", **bearer(token))
    assert (bad_json.status_code, bad_json.json()["error"]["code"]) == (400, "bad_json")
    doc = new_annotation(seed_article, "بوتين")
    doc["target"]["selector"][1]["exact"] = "شيء آخر"
    mismatch = post_json(client, url, doc, **bearer(token))
    assert mismatch.json()["error"]["code"] == "quote_mismatch"
    doc = new_annotation(seed_article, "بوتين")
    doc["target"]["source"] = "https://elsewhere.example/"
    assert post_json(client, url, doc, **bearer(token)).json()["error"]["code"] == "target_mismatch"
    assert not Annotation.objects.exists()


def test_unauthenticated_is_401_and_bad_token_is_401(client, seed_article):
    url = container_url(seed_article)
    assert client.get(url).status_code == 401
    response = client.get(url, **bearer("hamish_nope"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_token"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_stops_working(client, annotator, seed_article):
    row, secret = token_create(user=annotator, name="x")
    assert client.get(container_url(seed_article), **bearer(secret)).status_code == 200
    client.force_login(annotator)
    client.post(reverse("token_revoke", args=[row.pk]))
    client.logout()
    assert client.get(container_url(seed_article), **bearer(secret)).status_code == 401


def test_token_of_another_team_gets_404_and_sees_nothing(client, outsider, annotator, seed_article):
    row = make_annotation(seed_article, annotator, "بوتين", note="سري جدا")
    secret = token_create(user=outsider, name="o")[1]
    for response in [
        client.get(container_url(seed_article), **bearer(secret)),
        client.get(reverse("api_annotation", args=[row.pk]), **bearer(secret)),
        post_json(
            client,
            container_url(seed_article),
            new_annotation(seed_article, "كيم"),
            **bearer(secret),
        ),
        client.put(
            reverse("api_annotation", args=[row.pk]),
            "{}",
            content_type="application/ld+json",
            HTTP_IF_MATCH="*",
            **bearer(secret),
        ),
        client.delete(
            reverse("api_annotation", args=[row.pk]), HTTP_IF_MATCH="*", **bearer(secret)
        ),
    ]:
        assert response.status_code == 404
        assert "سري جدا" not in response.content.decode()
    assert Annotation.objects.count() == 1


def test_reader_token_cannot_post(client, reader_user, seed_article):
    secret = token_create(user=reader_user, name="r")[1]
    response = post_json(
        client, container_url(seed_article), new_annotation(seed_article, "بوتين"), **bearer(secret)
    )
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_session_requests_keep_csrf(annotator, seed_article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(annotator)
    url = container_url(seed_article)
    assert client.get(url).status_code == 200
    refused = post_json(client, url, new_annotation(seed_article, "بوتين"))
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "csrf")
    client.get(seed_article.get_absolute_url())
    token = client.cookies["csrftoken"].value
    accepted = post_json(client, url, new_annotation(seed_article, "بوتين"), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201


def test_method_not_allowed_lists_allow(client, token, seed_article):
    response = client.patch(
        container_url(seed_article), "{}", content_type="application/json", **bearer(token)
    )
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_create_api_token_command_prints_token_last(annotator, client, seed_article):
    out = io.StringIO()
    call_command("create_api_token", "annotator", stdout=out)
    secret = out.getvalue().split()[-1]
    assert ApiToken.objects.get(user=annotator).token_hash != secret
    assert secret not in {t.token_hash for t in ApiToken.objects.all()}
    assert client.get(container_url(seed_article), **bearer(secret)).status_code == 200


def test_token_page_shows_secret_once(client, annotator):
    client.force_login(annotator)
    created = client.post(reverse("token_list"), {"name": "خط المعالجة"}).content.decode()
    row = ApiToken.objects.get(user=annotator)
    assert row.prefix in created and "hamish_" in created
    again = client.get(reverse("token_list")).content.decode()
    assert row.prefix in again
    assert "copy it now" not in again


def _api_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith("api/"):
                yield "/" + route.replace("<int:pk>", "{id}")


def test_openapi_describes_every_api_route(client):
    spec = client.get(reverse("api_openapi")).json()
    routes = set(_api_routes())
    assert routes == set(spec["paths"])
    assert spec["openapi"].startswith("3.")


def test_status_change_moves_the_etag_on(client, token, seed_article, annotator, reviewer):
    from reader.annotations import status_change

    row = make_annotation(seed_article, annotator, "بوتين")
    url = reverse("api_annotation", args=[row.pk])
    before = client.get(url, **bearer(token))["ETag"]
    container = client.get(container_url(seed_article), **bearer(token))["ETag"]
    status_change(annotation=row, actor=reviewer, to_status="approved")
    after = client.get(url, HTTP_IF_NONE_MATCH=before, **bearer(token))
    assert after.status_code == 200 and after["ETag"] != before
    assert after.json()["hamish:status"] == "approved"
    assert (
        client.get(
            container_url(seed_article), HTTP_IF_NONE_MATCH=container, **bearer(token)
        ).status_code
        == 200
    )


def test_put_moves_the_span(client, token, seed_article, annotator):
    row = make_annotation(seed_article, annotator, "بوتين")
    url = reverse("api_annotation", args=[row.pk])
    first = client.get(url, **bearer(token))
    doc = first.json()
    start, end = span_of(seed_article, "كيم جونغ أون")
    doc["target"]["selector"] = [
        {"type": "TextPositionSelector", "start": start, "end": end},
        {"type": "TextQuoteSelector", "exact": "كيم جونغ أون"},
    ]
    ok = client.put(
        url,
        json.dumps(doc),
        content_type="application/ld+json",
        HTTP_IF_MATCH=first["ETag"],
        **bearer(token),
    )
    assert ok.status_code == 200
    row.refresh_from_db()
    assert (row.start, row.end, row.exact) == (start, end, "كيم جونغ أون")
