"""The reader page in a real browser: direction, alignment, exact block text, bidi order of
mixed-script text, reading preferences, narrow screens, and screenshots for a human look."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import CORPUS, import_text

AR_MO = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.mo"
ENGLISH_ARTICLE = (
    "Markets steady as inflation cools\n\n"
    "Stocks closed higher on Tuesday after new figures showed inflation easing for a third "
    "month in a row, and investors raised their bets on an early cut in interest rates.\n\n"
    "Analysts cautioned that energy prices remain volatile."
)

BLOCKS_JS = """
() => [...document.querySelectorAll("[data-article-body] [data-start]")].map((el) => ({
  kind: el.dataset.kind,
  start: Number(el.dataset.start),
  end: Number(el.dataset.end),
  text: el.textContent,
}))
"""

# Geometry of the first paragraph: its box, the article body's box, and the box of its first
# word (the first line starts at the inline-start edge: right in RTL, left in LTR).
ALIGNMENT_JS = """
() => {
  const body = document.querySelector("[data-article-body]");
  const p = body.querySelector('[data-kind="paragraph"]');
  const node = p.firstChild;
  const range = document.createRange();
  range.setStart(node, 0);
  range.setEnd(node, node.data.indexOf(" "));
  const word = range.getBoundingClientRect();
  const box = p.getBoundingClientRect();
  const outer = body.getBoundingClientRect();
  const style = getComputedStyle(p);
  return {
    direction: style.direction,
    textAlign: style.textAlign,
    bodyLeft: outer.left, bodyRight: outer.right,
    pLeft: box.left, pRight: box.right,
    wordLeft: word.left, wordRight: word.right,
  };
}
"""

# Client rects of parts of ``needle`` (found in one text node of the article body), given as
# [offset, length] pairs in UTF-16 units relative to the needle.
PART_RECTS_JS = """
([needle, parts]) => {
  const body = document.querySelector("[data-article-body]");
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode()) && !node.data.includes(needle)) {}
  if (!node) return null;
  const base = node.data.indexOf(needle);
  return parts.map(([offset, length]) => {
    const range = document.createRange();
    range.setStart(node, base + offset);
    range.setEnd(node, base + offset + length);
    return [...range.getClientRects()].map((r) => ({
      left: r.left, right: r.right, top: r.top, bottom: r.bottom,
    }));
  });
}
"""

LUMINANCE_JS = """
(selector) => {
  const value = getComputedStyle(document.querySelector(selector)).backgroundColor;
  const match = value.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)/);
  if (!match) return {value, luminance: null};
  const [r, g, b] = match.slice(1, 4).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return {value, luminance: 0.2126 * r + 0.7152 * g + 0.0722 * b};
}
"""

OVERFLOW_JS = """
(width) => ({
  scrollWidth: document.documentElement.scrollWidth,
  offenders: [...document.querySelectorAll("body *")]
    .filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
    })
    .slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.getBoundingClientRect().left}..${el.getBoundingClientRect().right}`),
})
"""


def wait_for_fonts(page) -> None:
    page.evaluate("() => document.fonts.ready.then(() => true)")


def open_article(page, live_server, article) -> None:
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    wait_for_fonts(page)


def switch_language(page, code: str) -> None:
    """Use the real switcher: choosing a language submits the form (its button is hidden when
    JavaScript runs), and Django's set_language redirects back to the page."""
    assert page.locator("form.language-switcher button[type=submit]").is_hidden()
    with page.expect_navigation():
        page.select_option("#language-select", code)
    wait_for_fonts(page)


def article_body_attrs(page) -> dict:
    return page.eval_on_selector(
        "[data-article-body]", "el => ({lang: el.lang, dir: el.getAttribute('dir')})"
    )


def html_attrs(page) -> dict:
    return page.evaluate(
        "() => ({lang: document.documentElement.lang, dir: document.documentElement.dir})"
    )


def single_rect(rects: list[dict], what: str) -> dict:
    assert len(rects) == 1, f"{what} should be one box on one line, got {rects}"
    return rects[0]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_reader_page_renders_seed_article_rtl_with_exact_blocks(
    page, login, live_server, seed_article, reader_user, browser_errors
):
    revision = seed_article.current_revision
    login(reader_user)

    open_article(page, live_server, seed_article)

    assert article_body_attrs(page) == {"lang": "ar", "dir": "rtl"}
    blocks = page.evaluate(BLOCKS_JS)
    assert [[b["start"], b["end"], b["kind"]] for b in blocks] == [list(b) for b in revision.blocks]
    for block in blocks:
        assert block["text"] == revision.body[block["start"] : block["end"]], block
    captions = [b["text"] for b in blocks if b["kind"] == "caption"]
    assert any("© KCNA / Pool" in text for text in captions), captions

    geometry = page.evaluate(ALIGNMENT_JS)
    assert geometry["direction"] == "rtl"
    assert geometry["textAlign"] in {"start", "right"}, geometry
    assert abs(geometry["pRight"] - geometry["bodyRight"]) <= 2, geometry
    # the first word of the paragraph sits at the right edge: the text is right-aligned
    assert abs(geometry["wordRight"] - geometry["bodyRight"]) <= 2, geometry
    assert geometry["wordLeft"] > geometry["bodyLeft"] + 100, geometry
    assert browser_errors == []


def test_arabic_interface_mirrors_layout_and_keeps_article_direction(
    page, login, live_server, team, owner, seed_article, reader_user
):
    english = import_text(team, ENGLISH_ARTICLE, filename="en.txt", user=owner).article
    login(reader_user)
    open_article(page, live_server, seed_article)
    assert html_attrs(page) == {"lang": "en", "dir": "ltr"}

    switch_language(page, "ar")

    assert page.url == f"{live_server.url}/articles/{seed_article.pk}/"
    assert html_attrs(page) == {"lang": "ar", "dir": "rtl"}
    if AR_MO.exists():
        assert "المكتبة" in page.inner_text(".site-nav")
    brand = page.locator(".site-brand").bounding_box()
    nav = page.locator(".site-nav").bounding_box()
    assert brand["x"] > nav["x"], (brand, nav)
    assert brand["x"] + brand["width"] > 1280 - 80, brand  # hugging the right edge
    assert article_body_attrs(page) == {"lang": "ar", "dir": "rtl"}

    open_article(page, live_server, english)

    assert html_attrs(page) == {"lang": "ar", "dir": "rtl"}
    assert article_body_attrs(page) == {"lang": "en", "dir": "ltr"}
    geometry = page.evaluate(ALIGNMENT_JS)
    assert geometry["direction"] == "ltr"
    assert abs(geometry["wordLeft"] - geometry["bodyLeft"]) <= 2, geometry


def test_hebrew_article_keeps_parenthesised_english_in_logical_order(
    page, login, live_server, team, owner, reader_user
):
    # A title line of its own: without it the plain-text import takes the lead paragraph
    # (the one with the parenthesis) as the title and drops it from the body.
    source = "דיאליזה\n\n" + (CORPUS / "he_wiki_dialysis.txt").read_text(encoding="utf-8")
    article = import_text(team, source, filename="he_wiki_dialysis.txt", user=owner).article
    revision = article.current_revision
    needle = "(באנגלית: Dialysis)"
    assert article.title == "דיאליזה"
    login(reader_user)

    open_article(page, live_server, article)

    assert article_body_attrs(page) == {"lang": "he", "dir": "rtl"}
    blocks = page.evaluate(BLOCKS_JS)
    for block in blocks:
        assert block["text"] == revision.body[block["start"] : block["end"]], block
    assert any(needle in block["text"] for block in blocks)
    word = "באנגלית"
    parts = [
        [0, 1],  # "("
        [1, len(word)],
        [needle.index("Dialysis"), len("Dialysis")],
        [len(needle) - 1, 1],  # ")"
    ]
    rects = page.evaluate(PART_RECTS_JS, [needle, parts])
    assert rects is not None, "the needle is not in one text node"
    opening, hebrew, english, closing = (
        single_rect(r, what) for r, what in zip(rects, ["(", word, "Dialysis", ")"], strict=True)
    )
    tops = [r["top"] for r in (opening, hebrew, english, closing)]
    assert max(tops) - min(tops) < 8, "the parenthesis should sit on one line"
    # read right to left: "(" then the Hebrew word, then "Dialysis", then ")"
    assert opening["left"] >= hebrew["right"] - 1, (opening, hebrew)
    assert hebrew["left"] > english["right"], (hebrew, english)
    assert english["left"] >= closing["right"] - 1, (english, closing)


def test_font_size_control_grows_text_and_persists(
    page, login, live_server, seed_article, reader_user
):
    login(reader_user)
    open_article(page, live_server, seed_article)
    paragraph = '[data-article-body] [data-kind="paragraph"]'
    font_size = (
        f"() => parseFloat(getComputedStyle(document.querySelector('{paragraph}')).fontSize)"
    )
    before = page.evaluate(font_size)
    assert page.get_attribute("html", "data-font-size") == "m"

    page.click('[data-font-size-step="1"]')

    assert page.get_attribute("html", "data-font-size") == "l"
    after = page.evaluate(font_size)
    assert after > before
    assert page.evaluate("() => localStorage.getItem('hamish:font-size')") == "l"

    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.fontSize === 'l'")
    assert page.evaluate(font_size) == after


def test_theme_toggle_switches_to_dark_and_persists(
    page, login, live_server, seed_article, reader_user
):
    login(reader_user)
    open_article(page, live_server, seed_article)
    light = page.evaluate(LUMINANCE_JS, "body")
    assert light["luminance"] is not None and light["luminance"] > 0.7, light

    for _ in range(3):
        if page.get_attribute("html", "data-theme") == "dark":
            break
        page.click("[data-theme-toggle]")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.get_attribute("[data-theme-toggle]", "aria-pressed") == "true"

    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    assert page.evaluate("() => localStorage.getItem('hamish:theme')") == "dark"
    dark = page.evaluate(LUMINANCE_JS, "body")
    assert dark["luminance"] is not None and dark["luminance"] < 0.3, dark


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_reader_page_has_no_horizontal_scroll_at_375px(
    page, login, live_server, seed_article, reader_user, ui
):
    page.set_viewport_size({"width": 375, "height": 812})
    login(reader_user)
    open_article(page, live_server, seed_article)
    if ui == "ar":
        switch_language(page, "ar")
    assert html_attrs(page)["lang"] == ui

    overflow = page.evaluate(OVERFLOW_JS, 375)

    assert overflow["scrollWidth"] <= 375, overflow


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_reader_page_screenshots_saved_at_1280_and_375(
    page, login, live_server, seed_article, reader_user, artifacts_dir, ui
):
    login(reader_user)
    open_article(page, live_server, seed_article)
    if ui == "ar":
        switch_language(page, "ar")
    assert html_attrs(page)["lang"] == ui

    saved = []
    for width, height in [(1280, 900), (375, 812)]:
        page.set_viewport_size({"width": width, "height": height})
        wait_for_fonts(page)
        for suffix, full_page in [("", False), ("-full", True)]:
            path = artifacts_dir / f"reader-{ui}-ui-{width}{suffix}.png"
            page.screenshot(path=str(path), full_page=full_page)
            saved.append(path)
            print(f"screenshot: {path}")

    for path in saved:
        width = 1280 if "-1280" in path.name else 375
        assert png_size(path)[0] == width, path
        if "-full" not in path.name:
            assert png_size(path)[1] == (900 if width == 1280 else 812), path
