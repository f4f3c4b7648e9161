from __future__ import annotations

from django.urls import reverse

from reader.models import Article


def test_edit_body_creates_new_revision_and_keeps_old(client, reviewer, seed_article):
    client.force_login(reviewer)
    page = client.get(reverse("article_edit", args=[seed_article.pk]))
    form = page.context["form"]
    body = form.initial["body"]
    data = {
        "title": seed_article.title,
        "byline": "",
        "source_name": "فايننشال تايمز",
        "source_url": "",
        "published": "2024-06-18",
        "language": "ar",
        "direction": "rtl",
        "body": body + "\n\n## عنوان فرعي جديد\n\nفقرة أضيفت عند التحرير.",
        "summary": "أضفت فقرة",
        "base_revision": 1,
    }
    response = client.post(reverse("article_edit", args=[seed_article.pk]), data)
    assert response.status_code == 302
    article = Article.objects.get(pk=seed_article.pk)
    assert article.current_revision.number == 2
    assert article.source_name == "فايننشال تايمز"
    assert article.current_revision.blocks[-2][2] == "heading"
    assert article.current_revision.body.endswith("عنوان فرعي جديد\n\nفقرة أضيفت عند التحرير.")
    old = article.revisions.get(number=1)
    assert "فقرة أضيفت" not in old.body
    # kinds of unchanged blocks survive the round trip through the editor
    assert [b[2] for b in old.blocks] == [b[2] for b in article.current_revision.blocks[:-2]]
    old_page = client.get(reverse("revision_detail", args=[article.pk, 1])).content.decode()
    assert "older version" in old_page


def test_edit_without_body_change_creates_no_revision(client, reviewer, seed_article):
    client.force_login(reviewer)
    form = client.get(reverse("article_edit", args=[seed_article.pk])).context["form"]
    data = {
        "title": "عنوان جديد",
        "language": "ar",
        "direction": "rtl",
        "body": form.initial["body"],
        "base_revision": 1,
    }
    client.post(reverse("article_edit", args=[seed_article.pk]), data)
    article = Article.objects.get(pk=seed_article.pk)
    assert article.title == "عنوان جديد"
    assert article.revisions.count() == 1


def test_edit_rejects_empty_body_and_bad_language(client, reviewer, seed_article):
    client.force_login(reviewer)
    response = client.post(
        reverse("article_edit", args=[seed_article.pk]),
        {
            "title": "x",
            "language": "not a tag!",
            "direction": "rtl",
            "body": "   ",
            "base_revision": 1,
        },
    )
    errors = response.context["form"].errors
    assert "cannot be empty" in errors["body"][0]
    assert "is not a language tag" in errors["language"][0]
    assert Article.objects.get(pk=seed_article.pk).revisions.count() == 1


def test_block_offsets_in_page_match_stored_body(client, reader_user, seed_article):
    import re
    from html import unescape

    client.force_login(reader_user)
    html = client.get(seed_article.get_absolute_url()).content.decode()
    body = seed_article.current_revision.body
    blocks = re.findall(
        r'<(p|h2|blockquote) data-kind="(\w+)" data-start="(\d+)" data-end="(\d+)">(.*?)</\1>',
        html,
        re.S,
    )
    assert len(blocks) == len(seed_article.current_revision.blocks)
    for _tag, _kind, start, end, inner in blocks:
        assert unescape(re.sub(r"<[^>]+>", "", inner)) == body[int(start) : int(end)]
    assert 'data-kind="caption"' in html


def test_edit_from_a_stale_revision_is_refused_and_keeps_the_text(client, reviewer, seed_article):
    client.force_login(reviewer)
    url = reverse("article_edit", args=[seed_article.pk])
    body = client.get(url).context["form"].initial["body"]
    base = {"title": seed_article.title, "language": "ar", "direction": "rtl", "base_revision": 1}
    client.post(url, {**base, "body": body + "\n\nفقرة المحرر الأول."})
    second = client.post(url, {**base, "body": body + "\n\nفقرة المحرر الثاني."})
    assert second.status_code == 200
    assert "while you were editing revision 1" in second.content.decode()
    assert "فقرة المحرر الثاني." in second.content.decode()  # nothing typed is lost
    article = Article.objects.get(pk=seed_article.pk)
    assert article.current_revision.number == 2
    assert article.current_revision.body.endswith("فقرة المحرر الأول.")


def test_edit_refuses_a_source_url_another_article_has(client, reviewer, team, seed_article):
    from tests.conftest import import_text

    other = import_text(team, "عنوان\n\nنص آخر.").article
    Article.objects.filter(pk=other.pk).update(source_url="https://example.org/a")
    client.force_login(reviewer)
    url = reverse("article_edit", args=[seed_article.pk])
    body = client.get(url).context["form"].initial["body"]
    response = client.post(
        url,
        {
            "title": "t",
            "language": "ar",
            "direction": "rtl",
            "base_revision": 1,
            "body": body,
            "source_url": "https://example.org/a",
        },
    )
    assert "already has this source URL" in response.content.decode()
    assert Article.objects.get(pk=seed_article.pk).source_url == ""


def test_javascript_source_url_never_becomes_a_link(client, annotator, team):
    from reader.services import article_import
    from reader.text.blocks import Block
    from reader.text.extract import ExtractedDocument

    document = ExtractedDocument(
        title="عنوان", blocks=[Block("paragraph", "نص.")], source_url="javascript:alert(1)"
    )
    article = article_import(team=team, user=annotator, document=document).article
    assert article.source_url == ""
    client.force_login(annotator)
    assert "javascript:" not in client.get(article.get_absolute_url()).content.decode()
