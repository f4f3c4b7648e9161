"""reader.text.extract: reading uploaded and pasted articles."""

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from reader.text.blocks import Block
from reader.text.debris import DEFAULT_RULES, clean_blocks
from reader.text.extract import ExtractedDocument, ExtractionError, extract_document
from reader.text.normalize import normalize_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "seed_article.txt"
MB = 1024 * 1024
LIMIT = 2 * MB
SEED_TITLE = "فلاديمير بوتين يدعو إلى التعاون مع كوريا الشمالية لمقاومة العقوبات الغربية"


def extract(data, **kwargs):
    kwargs.setdefault("max_bytes", LIMIT)
    return extract_document(data, **kwargs)


def error_of(data, **kwargs) -> ExtractionError:
    with pytest.raises(ExtractionError) as info:
        extract(data, **kwargs)
    return info.value


# --------------------------------------------------------------------------- the seed article


def test_seed_article_extracts_title_and_blocks():
    document = extract(SEED.read_bytes(), filename="seed.txt")
    first_line = SEED.read_text(encoding="utf-8").split("\n", 1)[0]
    assert document.title == first_line == SEED_TITLE
    assert len(document.blocks) == 26
    assert document.blocks[0] == Block("paragraph", SEED_TITLE)
    assert (document.byline, document.source_name, document.language) == ("", "", "")


def test_seed_article_cleaned():
    document = extract(SEED.read_bytes(), filename="seed.txt")
    kept, removals = clean_blocks(document.blocks, title=document.title, rules=DEFAULT_RULES)
    texts = [block.text for block in kept]
    assert len(kept) == 21
    assert [block.kind for block in kept] == ["paragraph"] * 8 + ["caption"] + [
        "paragraph"
    ] * 11 + ["quote"]
    assert [(r.rule, r.text, r.index) for r in removals] == [
        ("repeated_title", SEED_TITLE, 0),
        ("ad_marker", "[ad_1]", 0),
        ("promo_line", "افتح ملخص المحرر مجانًا", 0),
        ("ad_marker", "[ad_2]", 21),
        ("source_label", "المصدر", 21),
    ]
    body = "\n\n".join(texts)
    assert SEED_TITLE not in body
    assert "[ad_1]" not in body
    assert "[ad_2]" not in body
    assert "افتح ملخص المحرر" not in body
    assert texts[-1] != "المصدر"
    assert not body.endswith("المصدر")
    caption = kept[8]
    assert caption.kind == "caption"
    assert caption.text.endswith("© KCNA / Pool")
    assert texts[0].startswith("تعهد الرئيس الروسي فلاديمير بوتين")
    assert texts[-1].startswith("“(إنها) تساعد")


def test_seed_article_as_pasted_text_gives_the_same_blocks():
    pasted = extract(SEED.read_text(encoding="utf-8"))
    uploaded = extract(SEED.read_bytes(), filename="seed.txt")
    assert pasted == uploaded


# --------------------------------------------------------------------------- bad input


def test_extract_empty_file():
    error = error_of(b"", filename="a.txt")
    assert error.code == "empty"
    assert "empty" in str(error)


def test_extract_white_space_only_file():
    error = error_of(b" \r\n\t\n\xef\xbb\xbf", filename="a.txt")
    assert error.code == "empty"
    assert "white space" in str(error)


def test_extract_binary_png():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    error = error_of(png, filename="article.txt")
    assert error.code == "binary"
    assert str(error) == "This is not a text file: it looks like a PNG image."


def test_extract_binary_nul_bytes():
    error = error_of(b"abc\x00def", filename="a.txt")
    assert error.code == "binary"
    assert "NUL" in str(error)
    assert "offset 3" in str(error)


def test_extract_binary_control_bytes():
    error = error_of(b"\x01\x02\x03\x04 some text", filename="a.txt")
    assert error.code == "binary"
    assert "control characters" in str(error)


def test_extract_invalid_utf8():
    error = error_of(b"abc \xff def", filename="a.txt")
    assert error.code == "encoding"
    assert str(error) == (
        "The file is not valid UTF-8: byte 0xff at byte offset 4 cannot be decoded. "
        "Save it as UTF-8 and try again."
    )


def test_extract_invalid_utf8_with_utf16_mark():
    error = error_of(b"\xff\xfe\xfa abc", filename="a.txt")
    assert error.code == "encoding"
    assert "not valid UTF-8" in str(error)
    assert "byte offset 0" in str(error)


def test_extract_invalid_utf8_offset_counts_the_bom():
    error = error_of(b"\xef\xbb\xbfab\xc3", filename="a.txt")
    assert error.code == "encoding"
    assert "byte 0xc3 at byte offset 5" in str(error)


def test_extract_utf8_bom_is_dropped():
    document = extract(b"\xef\xbb\xbfTitle\n\nBody", filename="a.txt")
    assert document.title == "Title"
    assert document.blocks == [Block("paragraph", "Body")]


def test_extract_too_large():
    data = ("ب" * (5 * MB // 2)).encode("utf-8")
    assert len(data) == 5 * MB
    error = error_of(data, filename="big.txt", max_bytes=2 * MB)
    assert error.code == "too_large"
    assert str(error) == ("The file is too large: 5 MB (5,242,880 bytes); the limit is 2 MB.")


def test_extract_too_large_counts_utf8_bytes_of_pasted_text():
    error = error_of("ب" * 600, max_bytes=1000)
    assert error.code == "too_large"
    assert "1,200 bytes" in str(error)


@pytest.mark.parametrize("filename", ["report.pdf", "article.docx", "photo.PNG", "x.tar.gz"])
def test_extract_unsupported_type(filename):
    error = error_of(b"plain words", filename=filename)
    assert error.code == "unsupported_type"
    assert "Unsupported file type" in str(error)
    assert ".txt" in str(error)
    assert ".md" in str(error)
    assert ".html" in str(error)


def test_extract_html_without_text():
    error = error_of(b"<html><body><script>alert(1)</script></body></html>", filename="a.html")
    assert error.code == "no_text"
    assert "No article text" in str(error)


def test_extraction_error_carries_code_and_message():
    error = ExtractionError("Bad file.", "binary")
    assert isinstance(error, ValueError)
    assert (error.code, error.message, str(error)) == ("binary", "Bad file.", "Bad file.")


# --------------------------------------------------------------------------- plain text


def test_plain_text_given_title_keeps_first_block():
    document = extract("سطر أول\n\nسطر ثان", title="  عنوان\nمعطى ")
    assert document.title == "عنوان معطى"
    assert document.blocks == [Block("paragraph", "سطر أول"), Block("paragraph", "سطر ثان")]


def test_plain_text_long_first_block_is_not_a_title():
    first = "كلمة " * 50
    document = extract(f"{first}\n\nثان")
    assert document.title == ""
    assert [block.text for block in document.blocks] == [first.strip(), "ثان"]


def test_plain_text_first_block_on_two_lines_is_not_a_title():
    document = extract("سطر\nوسطر\n\nثان")
    assert document.title == ""
    assert [block.text for block in document.blocks] == ["سطر\nوسطر", "ثان"]


def test_plain_text_single_block_is_body_not_title():
    document = extract("نص وحيد", filename="a.text")
    assert document.title == ""
    assert document.blocks == [Block("paragraph", "نص وحيد")]


def test_plain_text_normalizes_blocks():
    document = extract(
        b"T\r\n\r\n\xe2\x80\xab a\xcc\x81 \xe2\x80\x8c b \xe2\x80\xac\r\n", filename=""
    )
    assert document.blocks == [Block("paragraph", "\u00e1 \u200c b")]


@settings(max_examples=60)
@given(st.text(max_size=200))
def test_plain_text_blocks_are_always_in_stored_form(text):
    try:
        document = extract(text, filename="a.txt")
    except ExtractionError as error:
        assert error.code == "empty"
        return
    assert document.blocks
    for block in document.blocks:
        assert block.text == normalize_text(block.text)
        assert "\n\n" not in block.text
        assert block.text


# --------------------------------------------------------------------------- Markdown

MARKDOWN = """\
---
author: "سارة أحمد"
date: 2024-06-18
lang: ar
source: الصحيفة
---
# العنوان الرئيسي

فقرة **عريضة** و*مائلة* مع [رابط](https://example.com) ![صورة](x.png) و `رمز` و snake_case.
سطر ملتف.

## عنوان فرعي

> “اقتباس
> على سطرين”

- بند أول
- بند ثان

```
x  =  1

y = 2
```

صورة: أرشيفية
<script>alert(1)</script>
"""


def test_markdown_blocks_and_metadata():
    document = extract(MARKDOWN.encode("utf-8"), filename="a.md")
    assert document.title == "العنوان الرئيسي"
    assert (document.byline, document.source_name, document.language) == (
        "سارة أحمد",
        "الصحيفة",
        "ar",
    )
    assert document.published == datetime.date(2024, 6, 18)
    assert document.blocks == [
        Block("paragraph", "فقرة عريضة ومائلة مع رابط و رمز و snake_case. سطر ملتف."),
        Block("heading", "عنوان فرعي"),
        Block("quote", "“اقتباس على سطرين”"),
        Block("paragraph", "- بند أول\n- بند ثان"),
        Block("paragraph", "x = 1\ny = 2"),
        Block("caption", "صورة: أرشيفية"),
    ]


def test_markdown_given_title_keeps_the_first_heading():
    document = extract(b"# H1\n\ntext", filename="a.markdown", title="Given")
    assert document.title == "Given"
    assert document.blocks == [Block("heading", "H1"), Block("paragraph", "text")]


def test_markdown_setext_heading_and_escapes():
    document = extract(b"Title\n=====\n\nSub\n---\n\n\\*not emphasis\\*", filename="a.md")
    assert document.title == "Title"
    assert document.blocks == [Block("heading", "Sub"), Block("paragraph", "*not emphasis*")]


# --------------------------------------------------------------------------- HTML

HTML = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>بوتين يزور بيونغ يانغ | صحيفة المثال</title>
<meta property="og:site_name" content="صحيفة المثال">
<meta name="author" content="سارة أحمد">
<meta property="article:published_time" content="2024-06-18T10:00:00+00:00">
<link rel="canonical" href="https://example.com/news/1">
<style>p { color: red } body::after { content: "<b>" }</style>
<script>alert(1)</script>
<script type="application/ld+json">{"headline": "alert"}</script>
</head>
<body onload="alert(2)">
<nav><a href="/">الرئيسية</a> <a href="/world">العالم</a></nav>
<article>
<h1 onclick="alert(3)">بوتين يزور بيونغ يانغ</h1>
<p onmouseover="alert(4)">تعهد الرئيس الروسي فلاديمير بوتين بالتعاون مع كوريا الشمالية لتعزيز
مقاومة النظامين للعقوبات الغربية، بينما يستعد للقيام بأول زيارة له إلى بيونغ يانغ منذ 24 عاما.</p>
<img src=x onerror="alert(1)">
<p>وقال بوتين إن روسيا ستسعى إلى العمل بشكل وثيق مع كوريا الشمالية لمقاومة الضغوط، وذلك
بحسب مقال نشر في صحيفة رودونج سينمون الحكومية في كوريا الشمالية.<script>alert(5)</script></p>
<blockquote>“سنعمل على تطوير آليات بديلة للتجارة والتسويات المتبادلة التي لا يسيطر عليها الغرب”</blockquote>
<p>كما شكر كوريا الشمالية على دعمها لموسكو في الحرب في أوكرانيا وتعهد بدعم بيونغ يانغ في
مواجهة الضغوط والابتزاز والتهديدات العسكرية الأمريكية.<a href="javascript:alert(6)">رابط</a></p>
</article>
<footer>جميع الحقوق محفوظة</footer>
</body>
</html>
"""


def html_text(document: ExtractedDocument) -> str:
    return "\n".join([document.title, *(block.text for block in document.blocks)])


def test_html_keeps_the_arabic_paragraphs_and_drops_all_markup():
    document = extract(HTML.encode("utf-8"), filename="article.html")
    text = html_text(document)
    for needle in ("alert", "onerror", "onclick", "onload", "script", "color", "<", ">"):
        assert needle not in text
    paragraphs = [block.text for block in document.blocks if block.kind == "paragraph"]
    assert paragraphs[0] == (
        "تعهد الرئيس الروسي فلاديمير بوتين بالتعاون مع كوريا الشمالية لتعزيز مقاومة النظامين "
        "للعقوبات الغربية، بينما يستعد للقيام بأول زيارة له إلى بيونغ يانغ منذ 24 عاما."
    )
    assert paragraphs[1].startswith("وقال بوتين إن روسيا ستسعى")
    assert paragraphs[2].startswith("كما شكر كوريا الشمالية")
    assert Block("heading", "بوتين يزور بيونغ يانغ") in document.blocks
    assert (
        Block(
            "quote",
            "“سنعمل على تطوير آليات بديلة للتجارة والتسويات المتبادلة التي لا يسيطر عليها الغرب”",
        )
        in document.blocks
    )
    assert "الرئيسية" not in text
    assert "جميع الحقوق محفوظة" not in text


def test_html_metadata():
    document = extract(HTML.encode("utf-8"), filename="article.htm")
    assert document.title == "بوتين يزور بيونغ يانغ"
    assert document.byline == "سارة أحمد"
    assert document.source_name == "صحيفة المثال"
    assert document.source_url == "https://example.com/news/1"
    assert document.published == datetime.date(2024, 6, 18)
    assert document.language == "ar"


def test_html_pasted_text_is_sniffed():
    document = extract(HTML)
    assert document.title == "بوتين يزور بيونغ يانغ"
    assert "alert" not in html_text(document)


def test_html_short_page_keeps_paragraphs_apart():
    page = (
        '<html lang="fa-ir"><body><p>سلام <b>دنیا</b><br>سطر دوم</p>'
        '<figure><img src="a.jpg"><figcaption>عکس: آرشیو</figcaption></figure>'
        "<p>بند دوم</p></body></html>"
    )
    document = extract(page.encode("utf-8"), filename="a.html")
    assert document.language == "fa-IR"
    texts = [block.text for block in document.blocks]
    assert texts[0] == "سلام دنیا\nسطر دوم"
    assert texts[-1] == "بند دوم"


def test_html_lang_that_contradicts_the_script_is_dropped():
    page = "<html lang='en'><body><p>نص عربي طويل بما يكفي ليكون فقرة.</p></body></html>"
    document = extract(page, filename="a.html")
    assert document.language == ""


def test_html_xml_declaration_is_accepted():
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="he"><body><p>שלום עולם</p></body></html>'
    )
    document = extract(page)
    assert document.blocks == [Block("paragraph", "שלום עולם")]
    assert document.language == "he"
