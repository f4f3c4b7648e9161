"""Import through the web form: paste, upload, bad input, duplicates, report and undo."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader.models import Article, Revision
from tests.conftest import SEED_PATH

SEED_TITLE = "فلاديمير بوتين يدعو إلى التعاون مع كوريا الشمالية لمقاومة العقوبات الغربية"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_import_seed_upload_creates_article_and_reports_removals(client, annotator, team):
    client.force_login(annotator)
    response = client.post(
        reverse("article_import"),
        {"team": team.pk, "file": upload("seed.txt", SEED_PATH.read_bytes())},
    )
    article = Article.objects.get(team=team)
    assert response.status_code == 302
    assert response["Location"] == reverse("import_report", args=[article.pk])
    assert article.title == SEED_TITLE
    assert article.language == "ar"
    assert article.direction == "rtl"
    body = article.current_revision.body
    assert "[ad_1]" not in body and "[ad_2]" not in body
    assert "افتح ملخص المحرر" not in body
    assert not body.endswith("المصدر")
    assert SEED_TITLE not in body
    report = client.get(response["Location"]).content.decode()
    assert "[ad_1]" in report and "افتح ملخص المحرر مجانًا" in report
    assert "Undo removal" in report


def test_import_undo_removal_puts_the_block_back_as_a_new_revision(client, annotator, team):
    client.force_login(annotator)
    client.post(
        reverse("article_import"),
        {"team": team.pk, "file": upload("seed.txt", SEED_PATH.read_bytes())},
    )
    article = Article.objects.get(team=team)
    first = article.revisions.get(number=1)
    index = next(i for i, r in enumerate(first.removals) if r["text"] == "المصدر")
    response = client.post(reverse("removal_restore", args=[article.pk, index]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.current_revision.number == 2
    assert article.current_revision.body.endswith("\n\nالمصدر")
    first.refresh_from_db()
    assert first.removals[index]["restored"] is True
    assert first.body.endswith("عليه في السياسة العالمية”.")
    # a second undo of the same removal changes nothing
    client.post(reverse("removal_restore", args=[article.pk, index]))
    assert article.revisions.count() == 2


def test_import_paste_text_uses_first_line_as_title(client, annotator, team):
    client.force_login(annotator)
    client.post(
        reverse("article_import"),
        {
            "team": team.pk,
            "text": "עיתון הבוקר\n\nזהו טקסט בעברית על דיאליזה (Dialysis) משנת 2024.",
        },
    )
    article = Article.objects.get(team=team)
    assert article.title == "עיתון הבוקר"
    assert article.language == "he"
    assert article.direction == "rtl"
    assert article.current_revision.body == "זהו טקסט בעברית על דיאליזה (Dialysis) משנת 2024."


def test_import_twice_says_so_and_creates_nothing(client, annotator, team):
    client.force_login(annotator)
    data = {"team": team.pk, "text": "عنوان المقال\n\nفقرة أولى من المقال."}
    client.post(reverse("article_import"), data)
    response = client.post(reverse("article_import"), data, follow=True)
    assert Article.objects.filter(team=team).count() == 1
    assert Revision.objects.count() == 1
    assert "already in the team" in response.content.decode()


def test_import_same_source_url_twice_creates_nothing(client, annotator, team):
    client.force_login(annotator)
    url = "https://example.com/news/1"
    client.post(
        reverse("article_import"), {"team": team.pk, "text": "أ\n\nنص أول.", "source_url": url}
    )
    response = client.post(
        reverse("article_import"),
        {"team": team.pk, "text": "ب\n\nنص آخر.", "source_url": url},
        follow=True,
    )
    assert Article.objects.filter(team=team).count() == 1
    assert "same source URL" in response.content.decode()


def test_import_bad_files_show_a_clear_error_and_import_nothing(client, annotator, team):
    client.force_login(annotator)
    cases = {
        "empty.txt": (b"", "empty"),
        "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
        "latin1.txt": ("Caf\xe9 au lait".encode("latin-1"), "UTF-8"),
        "big.txt": ("ا".encode() * (3 * 1024 * 1024), "MB"),
        "doc.pdf": (b"%PDF-1.4 hello", ".txt"),
    }
    for name, (data, needle) in cases.items():
        response = client.post(
            reverse("article_import"), {"team": team.pk, "file": upload(name, data)}
        )
        assert response.status_code == 200, name
        errors = (
            response.context["form"].errors.get("file")
            or response.context["form"].non_field_errors()
        )
        assert errors, name
        assert needle.lower() in " ".join(errors).lower(), (name, errors)
    assert not Article.objects.exists()
    assert not Revision.objects.exists()


def test_import_html_keeps_text_and_drops_scripts(client, annotator, team):
    html = """<!doctype html><html lang="ar" dir="rtl"><head><title>خبر عاجل</title>
    <script>alert('x')</script><style>p{color:red}</style></head>
    <body><article><h1>خبر عاجل عن الاقتصاد</h1>
    <p onclick="alert(2)">قال وزير المالية إن الاقتصاد سينمو بنسبة 3% هذا العام، بحسب بيان رسمي صدر اليوم.</p>
    <img src="x" onerror="alert(3)">
    <p>وأضاف الوزير أن الحكومة ستواصل دعم القطاعات الإنتاجية في البلاد خلال السنوات المقبلة.</p>
    <script>document.write('evil')</script></article></body></html>"""
    client.force_login(annotator)
    client.post(
        reverse("article_import"), {"team": team.pk, "file": upload("news.html", html.encode())}
    )
    article = Article.objects.get(team=team)
    body = article.current_revision.body
    assert "قال وزير المالية" in body
    for bad in ("alert", "onerror", "onclick", "<", "evil", "color:red"):
        assert bad not in body
    page = client.get(article.get_absolute_url()).content.decode()
    assert "alert(" not in page and "onerror" not in page


def test_import_escapes_markup_typed_as_text(client, annotator, team):
    client.force_login(annotator)
    client.post(
        reverse("article_import"),
        {"team": team.pk, "text": "<b>عنوان</b>\n\n<img src=x onerror=alert(1)> نص"},
    )
    article = Article.objects.get(team=team)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; نص" in page


def test_undo_two_removals_puts_each_back_where_it_was(client, annotator, team):
    client.force_login(annotator)
    client.post(
        reverse("article_import"),
        {"team": team.pk, "file": upload("seed.txt", SEED_PATH.read_bytes())},
    )
    article = Article.objects.get(team=team)
    removals = article.revisions.get(number=1).removals
    promo = next(i for i, r in enumerate(removals) if r["rule"] == "promo_line")
    ad = next(i for i, r in enumerate(removals) if r["text"] == "[ad_1]")
    client.post(reverse("removal_restore", args=[article.pk, promo]))
    client.post(reverse("removal_restore", args=[article.pk, ad]))
    article.refresh_from_db()
    body = article.current_revision.body
    assert body.startswith("[ad_1]\n\nافتح ملخص المحرر مجانًا\n\nتعهد الرئيس الروسي")
