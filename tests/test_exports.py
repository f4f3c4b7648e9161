"""Exports in every format and imports back: round trips, bad input, access."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reader.models import Annotation, Entity, Label, Membership, Team
from tests.conftest import SEED_PATH, import_text
from tests.test_annotations import make_annotation

SOURCE = "https://www.ft.com/content/putin-north-korea"


@pytest.fixture
def sourced(team, owner):
    """The seed article with a source URL, richly annotated."""
    from reader.services import article_import
    from reader.text.extract import extract_document

    document = extract_document(SEED_PATH.read_bytes(), filename="seed.txt", max_bytes=10**7)
    document.source_url = SOURCE
    article = article_import(team=team, user=owner, document=document).article
    person = Label.objects.get(team=team, slug="person")
    putin = Entity.objects.create(
        team=team,
        name="فلاديمير بوتين",
        type=person,
        aliases=["Vladimir Putin"],
        wikidata_id="Q7747",
    )
    miller = Entity.objects.create(team=team, name="ماثيو ميللر", type=person)
    make_annotation(article, owner, "كيم جونغ أون", note="زعيم كوريا الشمالية")
    make_annotation(article, owner, "بوتين", kind="entity", label=person, entity=putin)
    make_annotation(article, owner, "بيونغ يانغ", kind="entity", label="place", note="العاصمة")
    claim = make_annotation(
        article,
        owner,
        "عشرات الصواريخ الباليستية",
        kind="claim",
        speaker=miller,
        verdict="unverified",
        check_worthiness=3,
        evidence=["https://example.org/evidence"],
        note="مصدر أمريكي",
    )
    Annotation.objects.filter(pk=claim.pk).update(status="approved")
    make_annotation(article, owner, "KCNA / Pool", note="Photo credit")
    return article


def export(fmt: str, team, **kwargs) -> str:
    out = io.StringIO()
    call_command("export_annotations", "--team", team.slug, "--format", fmt, stdout=out, **kwargs)
    return out.getvalue()


def fingerprint(team) -> list[tuple]:
    rows = Annotation.objects.filter(article__team=team).select_related(
        "label", "entity", "speaker", "verdict"
    )
    return sorted(
        (
            a.article.source_url,
            a.kind,
            a.start,
            a.end,
            a.exact,
            a.prefix,
            a.suffix,
            a.label.slug if a.label else "",
            a.note,
            (a.entity.name, a.entity.wikidata_id, tuple(a.entity.aliases)) if a.entity else None,
            a.claim_text,
            a.speaker.name if a.speaker else "",
            a.verdict.slug if a.verdict else "",
            a.check_worthiness,
            tuple(a.evidence),
        )
        for a in rows
    )


@pytest.fixture
def fresh_team(make_user, team):
    """Another team holding the same article (same source URL), no annotations."""
    from reader.services import article_import
    from reader.text.extract import extract_document

    fresh = Team.objects.create(name="فريق جديد", slug="fresh")
    Membership.objects.create(team=fresh, user=make_user("fresh-owner"), role="owner")
    document = extract_document(SEED_PATH.read_bytes(), filename="seed.txt", max_bytes=10**7)
    document.source_url = SOURCE
    article_import(team=fresh, user=None, document=document)
    return fresh


@pytest.mark.parametrize(("fmt", "suffix"), [("jsonld", ".jsonld"), ("jsonl", ".jsonl")])
def test_round_trip_into_fresh_team_is_identical(sourced, team, fresh_team, tmp_path, fmt, suffix):
    path = tmp_path / f"export{suffix}"
    path.write_text(export(fmt, team), encoding="utf-8")
    out = io.StringIO()
    call_command("import_annotations", str(path), "--team", "fresh", stdout=out)
    assert "Imported 5 annotations" in out.getvalue()
    assert fingerprint(fresh_team) == fingerprint(team)


def test_jsonld_export_is_a_collection_of_w3c_annotations(sourced, team):
    data = json.loads(export("jsonld", team))
    assert data["type"] == "AnnotationCollection"
    assert data["total"] == 5
    items = data["first"]["items"]
    assert {item["motivation"] for item in items} == {"commenting", "identifying", "assessing"}
    for item in items:
        assert {
            "id",
            "type",
            "motivation",
            "created",
            "modified",
            "creator",
            "target",
        } <= item.keys()
        selectors = {s["type"]: s for s in item["target"]["selector"]}
        assert selectors.keys() == {"TextPositionSelector", "TextQuoteSelector"}
        assert item["target"]["source"] == SOURCE
        for body in item.get("body", []):
            if body.get("type") == "TextualBody":
                assert body["language"] and body["textDirection"] in ("ltr", "rtl")
    putin = next(i for i in items if i["target"]["selector"][1]["exact"] == "بوتين")
    assert {"type": "SpecificResource", "purpose": "identifying"}.items() <= putin["body"][
        1
    ].items()
    assert putin["body"][1]["source"] == "http://www.wikidata.org/entity/Q7747"
    assert putin["hamish:status"] == "pending"


def test_jsonl_has_doccano_spans(sourced, team):
    lines = export("jsonl", team).splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    text = line["text"]
    assert sorted(line["label"]) == sorted(
        [
            [a.start, a.end, a.label.slug if a.label else a.kind]
            for a in Annotation.objects.filter(article=sourced)
        ]
    )
    for start, end, _label in line["label"]:
        assert text[start:end] in {
            "كيم جونغ أون",
            "بوتين",
            "بيونغ يانغ",
            "عشرات الصواريخ الباليستية",
            "KCNA / Pool",
        }


def test_csv_has_bom_and_every_field(sourced, team):
    text = export("csv", team)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 5
    claim = next(r for r in rows if r["kind"] == "claim")
    assert (claim["speaker"], claim["verdict"], claim["check_worthiness"]) == (
        "ماثيو ميللر",
        "unverified",
        "3",
    )
    assert claim["evidence"] == "https://example.org/evidence"
    assert {r["exact"] for r in rows} >= {"KCNA / Pool", "كيم جونغ أون"}


def test_claimreview_lists_approved_claims_with_verdict(sourced, team):
    data = json.loads(export("claimreview", team))
    assert len(data["@graph"]) == 1
    review = data["@graph"][0]
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "عشرات الصواريخ الباليستية"
    assert review["itemReviewed"]["author"]["name"] == "ماثيو ميللر"
    assert review["reviewRating"]["alternateName"] == "Unverified"
    assert review["itemReviewed"]["appearance"]["url"] == SOURCE


def test_web_export_streams_only_what_the_member_sees(client, sourced, team, reader_user, outsider):
    client.force_login(reader_user)
    response = client.get(reverse("team_export", args=[team.slug]), {"format": "jsonld"})
    assert response.streaming
    data = json.loads(b"".join(response.streaming_content))
    assert data["total"] == 1  # only the approved claim is visible to a reader
    article = client.get(reverse("article_export", args=[sourced.pk]), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(article.streaming_content).decode()[1:])))
    assert [r["kind"] for r in rows] == ["claim"]
    client.force_login(outsider)
    assert (
        client.get(reverse("team_export", args=[team.slug]), {"format": "jsonld"}).status_code
        == 404
    )
    assert (
        client.get(reverse("article_export", args=[sourced.pk]), {"format": "csv"}).status_code
        == 404
    )


def test_import_repositions_by_quote_when_offsets_disagree(sourced, team, fresh_team, tmp_path):
    data = json.loads(export("jsonld", team))
    for item in data["first"]["items"]:
        item["target"]["selector"][0]["start"] += 3
        item["target"]["selector"][0]["end"] += 3
    path = tmp_path / "shifted.jsonld"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = io.StringIO()
    call_command(
        "import_annotations", str(path), "--team", "fresh", stdout=io.StringIO(), stderr=err
    )
    assert err.getvalue().count("re-anchored") == 5
    assert fingerprint(fresh_team) == fingerprint(team)


def test_import_refuses_a_quote_not_in_the_text_and_imports_nothing(
    sourced, team, fresh_team, tmp_path
):
    data = json.loads(export("jsonld", team))
    data["first"]["items"][2]["target"]["selector"][1]["exact"] = "نص لا يوجد في المقال"
    path = tmp_path / "bad.jsonld"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="refused, so nothing was imported"):
        call_command("import_annotations", str(path), "--team", "fresh", stderr=err)
    assert "item 3: refused: the quoted text is not in the article" in err.getvalue()
    assert not Annotation.objects.filter(article__team=fresh_team).exists()


def test_import_malformed_json_names_the_place(fresh_team, tmp_path):
    path = tmp_path / "broken.jsonld"
    path.write_text('{"type": "AnnotationCollection",\n "first": [}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"not valid JSON \(line 2, column"):
        call_command("import_annotations", str(path), "--team", "fresh")


def test_import_jsonl_with_one_bad_line_names_it_and_imports_nothing(
    sourced, team, fresh_team, tmp_path
):
    good = export("jsonl", team).strip()
    path = tmp_path / "mixed.jsonl"
    path.write_text(good + '\n{"text": oops}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="Line 2 is not valid JSON"):
        call_command("import_annotations", str(path), "--team", "fresh")
    assert not Annotation.objects.filter(article__team=fresh_team).exists()


def test_import_upload_too_large_is_refused(client, fresh_team):
    owner = Membership.objects.get(team=fresh_team).user
    client.force_login(owner)
    big = SimpleUploadedFile(
        "big.jsonld", b" " * (50 * 1024 * 1024), content_type="application/json"
    )
    response = client.post(reverse("annotation_import", args=["fresh"]), {"file": big})
    assert response.status_code == 200
    assert "the limit for annotation imports is 20 MB" in response.content.decode()
    assert not Annotation.objects.exists()


def test_import_upload_shows_report(client, sourced, team, fresh_team):
    owner = Membership.objects.get(team=fresh_team).user
    client.force_login(owner)
    upload = SimpleUploadedFile(
        "a.jsonld", export("jsonld", team).encode(), content_type="application/json"
    )
    response = client.post(reverse("annotation_import", args=["fresh"]), {"file": upload})
    page = response.content.decode()
    assert "Imported 5 annotations." in page
    assert page.count('class="is-imported"') == 5
    assert fingerprint(fresh_team) == fingerprint(team)


def test_import_page_is_404_for_outsider(client, outsider, team):
    client.force_login(outsider)
    assert client.get(reverse("annotation_import", args=[team.slug])).status_code == 404


def test_export_command_rejects_unknown_team_and_article(team):
    with pytest.raises(CommandError, match="no team"):
        export("jsonld", Team(slug="nope"))
    with pytest.raises(CommandError, match="has no article 999"):
        export("jsonld", team, article=999)


def test_export_article_option_limits_output(sourced, team, owner):
    other = import_text(team, "عنوان\n\nبوتين في خبر آخر.").article
    make_annotation(other, owner, "بوتين")
    data = json.loads(export("jsonld", team, article=other.pk))
    assert data["total"] == 1


def test_every_exported_annotation_is_valid_w3c(sourced, team, client, owner):
    """Checked against the W3C annotation-model test suite's JSON Schemas (tests/fixtures/w3c):
    every MUST of annotationMusts/bodyMusts/targetMusts/specificResourceMusts, and the
    SHOULD checks too (recommended=True)."""
    from reader.tokens import token_create
    from tests.w3c_schema import validate_annotation, validate_page

    data = json.loads(export("jsonld", team))
    assert len(data["first"]["items"]) == 5
    for item in data["first"]["items"]:
        validate_annotation({"@context": data["@context"], **item}, recommended=True)
    for line in export("jsonl", team).splitlines():
        for item in json.loads(line)["annotations"]:
            validate_annotation({"@context": data["@context"], **item}, recommended=True)
    secret = token_create(user=owner, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    page = client.get(reverse("api_container", args=[sourced.pk]), {"page": 0}, **auth).json()
    validate_page(page)
    for item in page["items"]:
        validate_annotation({"@context": page["@context"], **item}, recommended=True)
    one = client.get(page["items"][0]["id"].replace("http://testserver", ""), **auth).json()
    validate_annotation(one, recommended=True)


def test_w3c_validation_catches_a_broken_export(sourced, team):
    from tests.w3c_schema import validate_annotation

    data = json.loads(export("jsonld", team))
    item = {"@context": data["@context"], **data["first"]["items"][0]}
    item["target"]["selector"][0]["start"] = "zero"
    with pytest.raises(AssertionError):
        validate_annotation(item)


def test_csv_cells_never_start_a_formula(team, owner):
    article = import_text(team, "عنوان\n\nنص فيه بوتين مرة.").article
    make_annotation(article, owner, "بوتين", note='=HYPERLINK("http://evil.example","x")')
    rows = list(csv.DictReader(io.StringIO(export("csv", team)[1:])))
    assert rows[0]["note"] == '\'=HYPERLINK("http://evil.example","x")'


def test_reimport_skips_what_is_there_and_keeps_review_status(sourced, team, fresh_team, tmp_path):
    from reader.annotations import status_change

    rejected = Annotation.objects.filter(article=sourced, kind="highlight").first()
    status_change(annotation=rejected, actor=None, to_status="rejected")
    path = tmp_path / "again.jsonld"
    path.write_text(export("jsonld", team), encoding="utf-8")
    call_command("import_annotations", str(path), "--team", "fresh", stdout=io.StringIO())
    err = io.StringIO()
    call_command(
        "import_annotations", str(path), "--team", "fresh", stdout=io.StringIO(), stderr=err
    )
    assert Annotation.objects.filter(article__team=fresh_team).count() == 5
    statuses = sorted(
        Annotation.objects.filter(article__team=fresh_team).values_list("status", flat=True)
    )
    assert statuses == ["approved", "pending", "pending", "pending", "rejected"]
