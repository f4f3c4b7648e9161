"""Annotating in a real browser: DOM selections (UTF-16, split by marks, across blocks) become
code-point spans that match the server's body slice, snapped to grapheme clusters; the
toolbar, the entity dialog, the keyboard path, readers, and a phone-sized touch screen."""

from __future__ import annotations

import struct
import zlib

import pytest

from tests.browser.conftest import PASSWORD
from tests.conftest import CORPUS, import_text

pytestmark = pytest.mark.browser

TOOLBAR = "[data-selection-toolbar]"
TOOLBAR_VISIBLE = "[data-selection-toolbar]:not([hidden])"
DIALOG_OPEN = "dialog[data-annotation-dialog][open]"

# Select a range in the article body. Each end is either {needle, offset, occurrence} (the
# occurrence-th time ``needle`` appears in a block's text, in body order, plus ``offset``
# UTF-16 units) or {block, index} (a block by position, negative from the end; an index in
# UTF-16 units into its text, negative from the end). Walks the block's text nodes, so marks
# that split the text do not matter. Returns the range's own text (Chromium's
# ``Selection.toString()`` already snaps to caret positions; the range keeps what we set).
SELECT_JS = """
([start, end]) => {
  const body = document.querySelector("[data-article-body]");
  const blocks = [...body.querySelectorAll("[data-start]")];
  const find = (spec) => {
    if (spec.block !== undefined) {
      const block = blocks.at(spec.block);
      const length = block.textContent.length;
      return [block, spec.index < 0 ? length + spec.index : spec.index];
    }
    let seen = 0;
    for (const block of blocks) {
      const text = block.textContent;
      for (let at = text.indexOf(spec.needle); at >= 0; at = text.indexOf(spec.needle, at + 1)) {
        if (seen++ === (spec.occurrence || 0)) return [block, at + (spec.offset || 0)];
      }
    }
    throw new Error(`not in the article body: ${spec.needle}`);
  };
  const point = ([block, index]) => {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (index <= seen + node.data.length) return [node, index - seen];
      seen += node.data.length;
    }
    throw new Error(`index ${index} is past the end of the block`);
  };
  const range = document.createRange();
  range.setStart(...point(find(start)));
  range.setEnd(...point(find(end)));
  range.startContainer.parentElement.scrollIntoView({ block: "center" });
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return range.toString();
}
"""

MARK_TEXT_JS = """
(id) => [...document.querySelectorAll("mark[data-annotation-ids]")]
  .filter((m) => m.dataset.annotationIds.split(" ").includes(String(id)))
  .map((m) => m.textContent)
"""

# Only the colours of a mark change; hide them (and the fixed status line) for pixel tests.
NO_MARK_COLOURS_CSS = (
    "mark{background-color:transparent!important;color:inherit!important}"
    "[data-toolbar-message],[data-tag-others]{display:none!important}"
)
ADD_STYLE_JS = """
(css) => {
  const style = document.createElement("style");
  style.id = "test-no-mark-colours";
  style.textContent = css;
  document.head.append(style);
}
"""

# The box of every word of a block, relative to the block (ranges over its text nodes).
WORD_RECTS_JS = """
(selector) => {
  const block = document.querySelector(selector);
  const origin = block.getBoundingClientRect();
  const nodes = [];
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(), seen = 0; node; node = walker.nextNode()) {
    nodes.push([node, seen]);
    seen += node.data.length;
  }
  const point = (index) => {
    const [node, seen] = nodes.filter(([, s]) => s <= index).pop();
    return [node, Math.min(index - seen, node.data.length)];
  };
  const rects = [];
  for (const match of block.textContent.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(...point(match.index));
    range.setEnd(...point(match.index + match[0].length));
    const r = range.getBoundingClientRect();
    rects.push([match[0], r.left - origin.left, r.right - origin.left, r.top - origin.top]);
  }
  return rects;
}
"""

EMOJI_ARTICLE = (
    "رموز تعبيرية في النص\n\n"
    "👨\u200d👩\u200d👧 عائلة 🇸🇦 علم 😀 وجه مبتسم في أول الفقرة.\n\n"
    "الفقرة الثانية تتحدث عن السوق المحلية والأسعار."
)
TANWIN_ARTICLE = (
    "عرض جديد من الصحيفة\n\n"
    "أعلنت الصحيفة اليوم عن الاشتراك مجانًا للقراء الجدد لمدة شهر كامل.\n\n"
    "وقالت الإدارة إن العرض يشمل جميع الأقسام."
)


# ---------------------------------------------------------------- helpers


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def nth_index(text: str, needle: str, n: int = 0) -> int:
    at = -1
    for _ in range(n + 1):
        at = text.index(needle, at + 1)
    return at


def open_article(page, live_server, article) -> None:
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def select(page, start: dict, end: dict) -> str:
    text = page.evaluate(SELECT_JS, [start, end])
    page.wait_for_selector(TOOLBAR_VISIBLE)
    return text


def select_text(page, needle: str, offset: int = 0, length: int | None = None, occurrence=0):
    """Select ``length`` UTF-16 units of ``needle`` from ``offset`` (default: to its end)."""
    if length is None:
        length = utf16_len(needle) - offset
    start = {"needle": needle, "offset": offset, "occurrence": occurrence}
    end = {"needle": needle, "offset": offset + length, "occurrence": occurrence}
    return select(page, start, end)


def is_create(response) -> bool:
    return response.request.method == "POST" and "/annotations/new/" in response.url


def store_via(page, trigger):
    """Run ``trigger`` (a click, a key press), wait for the annotation to be created and for
    the htmx refresh to show its mark; return the stored row."""
    from reader.models import Annotation

    with page.expect_response(is_create) as info:
        trigger()
    response = info.value
    assert response.status == 201, response.text()
    pk = response.json()["id"]
    page.wait_for_selector(f'mark[data-annotation-ids~="{pk}"]')
    page.wait_for_selector(f"#annotation-{pk}")
    return Annotation.objects.get(pk=pk)


def highlight(page):
    return store_via(page, lambda: page.click(f"{TOOLBAR_VISIBLE} [data-action=highlight]"))


def assert_span(annotation, expected: str, start: int | None = None) -> None:
    """The row's span is on the current revision and its quote is the body's slice."""
    revision = annotation.article.current_revision
    body = revision.body
    assert annotation.revision_id == revision.pk
    assert annotation.exact == body[annotation.start : annotation.end] == expected, (
        annotation.start,
        annotation.end,
        annotation.exact,
    )
    if start is not None:
        assert annotation.start == start
        assert annotation.end == start + len(expected)


def png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced PNG (what Chromium writes): width, height, bytes per
    pixel, rows. Standard library only (Pillow is not a dependency)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
    assert depth == 8 and interlace == 0, (depth, interlace)
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw, stride = zlib.decompress(idat), width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def glyph_changes(first: bytes, second: bytes, threshold: int = 96) -> int:
    """Pixels whose colour differs by more than ``threshold`` (of 255) in some channel.

    Measured on this Chromium: anti-aliasing noise from splitting a line into fragments stays
    under 60; a join broken by 0.5px of padding changes well over 1,000 pixels by more."""
    w1, h1, bpp, a = png_pixels(first)
    w2, h2, _bpp, b = png_pixels(second)
    assert (w1, h1) == (w2, h2), "the block changed size"
    changed = 0
    for row_a, row_b in zip(a, b, strict=True):
        if row_a == row_b:
            continue
        deltas = [abs(p - q) for p, q in zip(row_a, row_b, strict=True)]
        changed += sum(
            1 for x in range(0, len(deltas), bpp) if max(deltas[x : x + bpp]) > threshold
        )
    return changed


def mark_text(page, pk: int) -> str:
    return "".join(page.evaluate(MARK_TEXT_JS, pk))


# ---------------------------------------------------------------- tests


def test_highlight_arabic_phrase_stores_code_point_span(
    page, login, live_server, seed_article, annotator
):
    body = seed_article.current_revision.body
    phrase = "كيم جونغ أون"
    login(annotator)
    open_article(page, live_server, seed_article)

    assert select_text(page, phrase) == phrase
    annotation = highlight(page)

    assert annotation.kind == "highlight"
    assert annotation.author == annotator
    assert_span(annotation, phrase, start=body.index(phrase))
    assert mark_text(page, annotation.pk) == phrase


def test_highlight_mixed_direction_caption_keeps_logical_text(
    page, login, live_server, seed_article, annotator
):
    body = seed_article.current_revision.body
    expected = "سبتمبر © KCNA / Pool"
    login(annotator)
    open_article(page, live_server, seed_article)

    select(
        page,
        {"needle": "سبتمبر © KCNA"},
        {"needle": "KCNA / Pool", "offset": len("KCNA / Pool")},
    )
    annotation = highlight(page)

    assert_span(annotation, expected, start=body.index(expected))
    assert mark_text(page, annotation.pk) == expected
    kinds = page.eval_on_selector_all(
        f'mark[data-annotation-ids~="{annotation.pk}"]',
        "marks => marks.map((m) => m.closest('[data-kind]').dataset.kind)",
    )
    assert kinds == ["caption"]


def test_highlight_inside_tanwin_cluster_snaps_to_grapheme_boundaries(
    page, login, live_server, team, owner, annotator
):
    from reader.text.graphemes import is_grapheme_boundary

    article = import_text(team, TANWIN_ARTICLE, user=owner, language="ar").article
    body = article.current_revision.body
    word = "مجانًا"  # م ج ا ن ◌ً ا: the tanwin is a mark on the nun
    assert [hex(ord(c)) for c in word][4] == "0x64b"
    at = body.index(word)
    login(annotator)
    open_article(page, live_server, article)

    # end the DOM range between the nun and its tanwin: the span takes the whole cluster
    assert select_text(page, word, 0, 4) == "مجان"
    ending = highlight(page)
    # start the DOM range between the nun and its tanwin: the span starts before the nun
    select_text(page, word, 4, 2)
    starting = highlight(page)

    assert_span(ending, "مجانً", start=at)
    assert ending.exact.endswith("نً")
    assert_span(starting, "نًا", start=at + 3)
    for annotation in (ending, starting):
        assert is_grapheme_boundary(body, annotation.start)
        assert is_grapheme_boundary(body, annotation.end)
    assert mark_text(page, ending.pk) == "مجانً"


def test_highlight_inside_word_keeps_partial_text_and_joined_letters(
    page, login, live_server, seed_article, annotator
):
    body = seed_article.current_revision.body
    word = "بوتين"
    at = body.index(word)
    block = next(b for b in seed_article.current_revision.blocks if b[0] <= at < b[1])
    block_selector = f'[data-article-body] [data-start="{block[0]}"]'
    login(annotator)
    open_article(page, live_server, seed_article)
    page.evaluate(ADD_STYLE_JS, NO_MARK_COLOURS_CSS)

    def shoot():
        page.mouse.move(0, 0)
        return page.locator(block_selector).screenshot(animations="disabled", caret="hide")

    before, layout_before = shoot(), page.evaluate(WORD_RECTS_JS, block_selector)

    # from the 2nd letter to the 4th: both ends inside the word
    assert select_text(page, word, 1, 3) == "وتي"
    annotation = highlight(page)

    assert_span(annotation, "وتي", start=at + 1)
    assert mark_text(page, annotation.pk) == "وتي"
    assert page.locator(f"{block_selector} mark").count() == 1
    after, layout_after = shoot(), page.evaluate(WORD_RECTS_JS, block_selector)
    # Same glyph advances: every word of the block sits where it sat without the mark, up to
    # layout rounding (1/64 px); a letter cut out of its joined form changes its width by
    # pixels and moves the rest of the line.
    assert [w[0] for w in layout_after] == [w[0] for w in layout_before]
    moved = [
        (new, old)
        for new, old in zip(layout_after, layout_before, strict=True)
        if any(abs(a - b) > 0.25 for a, b in zip(new[1:], old[1:], strict=True))
    ]
    assert moved == [], "words moved: the mark changed the glyphs' advances"
    # Same pixels, up to anti-aliasing: Chromium paints the text on each side of an inline
    # element as its own fragment, which shifts edge pixels by a few levels even for a plain
    # <span> around a Latin word, so the PNG bytes are never identical. A letter in another
    # form (isolated instead of medial) changes whole strokes.
    assert glyph_changes(before, after) == 0, "the mark changed the shaping of the word"
    # the comparison can see a broken join: padding on the mark cuts the word at its edges
    page.evaluate(ADD_STYLE_JS, "mark{padding-inline:0.5px!important}")
    assert glyph_changes(before, shoot()) > 100, "the pixel comparison is blind"
    page.evaluate(
        "() => document.querySelectorAll('#test-no-mark-colours').forEach((s) => s.remove())"
    )
    assert shoot() != before, "the screenshot does not show the mark at all"


@pytest.mark.parametrize(
    ("filename", "language", "needle", "must_contain"),
    [
        ("fa_news_seraji.txt", "fa", "هزینه\u200cهای", "\u200c"),
        ("he_wiki_dialysis.txt", "he", "אי ספיקת כליות", "ספיקת"),
    ],
)
def test_highlight_persian_and_hebrew_keeps_exact_text(
    page, login, live_server, team, owner, annotator, filename, language, needle, must_contain
):
    source = "כותרת\n\n" if language == "he" else "عنوان خبر\n\n"
    source += (CORPUS / filename).read_text(encoding="utf-8")
    article = import_text(team, source, filename=filename, user=owner, language=language).article
    body = article.current_revision.body
    login(annotator)
    open_article(page, live_server, article)

    assert select_text(page, needle) == needle
    annotation = highlight(page)

    assert_span(annotation, needle, start=body.index(needle))
    assert must_contain in annotation.exact
    assert mark_text(page, annotation.pk) == needle


def test_highlight_after_emoji_converts_utf16_to_code_points(
    page, login, live_server, team, owner, annotator
):
    article = import_text(team, EMOJI_ARTICLE, user=owner, language="ar").article
    body = article.current_revision.body
    assert "👨\u200d👩\u200d👧" in body and "🇸🇦" in body
    login(annotator)
    open_article(page, live_server, article)

    cases = []
    # a word of the second paragraph, after a paragraph full of emoji
    select_text(page, "السوق")
    cases.append((highlight(page), "السوق"))
    # words right after emoji in the same paragraph
    select_text(page, "علم")
    cases.append((highlight(page), "علم"))
    select_text(page, "وجه مبتسم")
    cases.append((highlight(page), "وجه مبتسم"))
    # from between the two regional indicators of the flag: snapped back to the whole flag
    select(page, {"needle": "🇸🇦", "offset": 2}, {"needle": "علم", "offset": 3})
    cases.append((highlight(page), "🇸🇦 علم"))

    for annotation, expected in cases:
        assert_span(annotation, expected, start=body.index(expected))
        assert mark_text(page, annotation.pk) == expected
    # the offsets really differ between the two counts: the test would catch a UTF-16 slip
    before = body[: body.index("علم")]
    assert utf16_len(before) - len(before) == 5


def test_highlight_across_paragraphs_includes_blank_line(
    page, login, live_server, seed_article, annotator
):
    revision = seed_article.current_revision
    body = revision.body
    paragraphs = [i for i, b in enumerate(revision.blocks) if b[2] == "paragraph"]
    first = next(i for i in paragraphs if i + 1 in paragraphs)
    (s1, e1, _), (s2, _e2, _) = revision.blocks[first], revision.blocks[first + 1]
    start = s1 + body[s1:e1].rindex(" ") + 1  # the last word of the paragraph
    end = s2 + body[s2:].index(" ")  # the first word of the next one
    expected = body[start:end]
    login(annotator)
    open_article(page, live_server, seed_article)

    select(
        page,
        {"block": first, "index": start - s1},
        {"block": first + 1, "index": end - s2},
    )
    annotation = highlight(page)

    assert "\n\n" in annotation.exact
    assert_span(annotation, expected, start=start)
    assert mark_text(page, annotation.pk) == expected.replace("\n\n", "")
    assert page.locator(f'mark[data-annotation-ids~="{annotation.pk}"]').count() == 2


def test_entity_dialog_creates_person_and_tags_other_mentions(
    page, login, live_server, seed_article, annotator
):
    from reader.models import Annotation

    body = seed_article.current_revision.body
    name = "بوتين"
    login(annotator)
    open_article(page, live_server, seed_article)

    select_text(page, name)
    page.click(f"{TOOLBAR_VISIBLE} [data-action=entity]")
    page.wait_for_selector(DIALOG_OPEN)
    assert page.input_value("[data-entity-query]") == name
    page.check(f"{DIALOG_OPEN} input[name=label][value=person]")
    page.wait_for_selector("[data-entity-options] input[name=entity][value=new]")
    page.check("[data-entity-options] input[name=entity][value=new]")
    first = store_via(page, lambda: page.click(f"{DIALOG_OPEN} [data-dialog-submit]"))

    assert first.kind == "entity"
    assert first.label.slug == "person"
    assert first.entity is not None and first.entity.name == name
    assert_span(first, name, start=body.index(name))
    assert page.locator(DIALOG_OPEN).count() == 0

    page.wait_for_selector("[data-tag-others]:not([hidden])")
    assert page.locator("[data-tag-others]").is_visible()
    with page.expect_response(lambda r: "/tag-others/" in r.url) as info:
        page.click("[data-tag-others-button]")
    assert info.value.status == 200, info.value.text()
    created = info.value.json()["created"]
    assert created
    page.wait_for_selector(f'mark[data-annotation-ids~="{created[-1]}"]')

    mentions = Annotation.objects.filter(article=seed_article, kind="entity").order_by("start")
    assert mentions.count() == 1 + len(created) == body.count(name)
    for mention in mentions:
        assert mention.entity_id == first.entity_id
        assert mention.label_id == first.label_id
        assert_span(mention, name)
    # "كيم وبوتين": the conjunction و is not part of the name
    assert any(m.start == body.index("و" + name) + 1 for m in mentions)


def test_keyboard_a_focuses_toolbar_h_highlights_escape_hides(
    page, login, live_server, seed_article, annotator
):
    body = seed_article.current_revision.body
    phrase = "بيونغ يانغ"
    login(annotator)
    open_article(page, live_server, seed_article)
    select_text(page, phrase)

    page.keyboard.press("a")
    page.wait_for_function(
        "() => document.activeElement === document.querySelector('[data-selection-toolbar] button')"
    )
    assert page.evaluate("() => document.activeElement.dataset.action") == "highlight"
    page.keyboard.press("Escape")
    page.wait_for_selector(TOOLBAR, state="hidden")

    page.keyboard.press("a")
    page.wait_for_selector(TOOLBAR_VISIBLE)
    annotation = store_via(page, lambda: page.keyboard.press("h"))

    assert annotation.kind == "highlight"
    assert_span(annotation, phrase, start=body.index(phrase))
    assert page.locator(TOOLBAR).is_hidden()


def test_reader_sees_no_tools_and_only_approved_marks(
    page, login, live_server, team, seed_article, annotator, reviewer, reader_user
):
    from reader import annotations as svc
    from reader.models import Membership

    body = seed_article.current_revision.body
    membership = Membership.objects.get(user=annotator, team=team)

    def create(text):
        start = body.index(text)
        return svc.annotation_create(
            article=seed_article,
            membership=membership,
            kind="highlight",
            start=start,
            end=start + len(text),
            exact=text,
            revision=seed_article.current_revision.number,
        )

    approved = create("كيم جونغ أون")
    pending = create("بيونغ يانغ")
    assert svc.status_change(annotation=approved, actor=reviewer, to_status="approved")
    login(reader_user)
    open_article(page, live_server, seed_article)

    assert page.locator(TOOLBAR).count() == 0
    assert page.locator("[data-annotation-dialog]").count() == 0
    ids = page.eval_on_selector_all(
        "[data-article-body] mark[data-annotation-ids]",
        "marks => marks.flatMap((m) => m.dataset.annotationIds.split(' '))",
    )
    assert set(ids) == {str(approved.pk)}
    assert mark_text(page, approved.pk) == "كيم جونغ أون"
    assert page.locator(f"#annotation-{pending.pk}").count() == 0
    # selecting text as a reader offers nothing
    page.evaluate(SELECT_JS, [{"needle": "بوتين"}, {"needle": "بوتين", "offset": 5}])
    page.wait_for_timeout(300)
    assert page.locator(TOOLBAR).count() == 0


def test_touch_phone_toolbar_fits_viewport_and_highlights(
    browser, live_server, transactional_db, seed_article, annotator
):
    width, height = 375, 812
    context = browser.new_context(
        viewport={"width": width, "height": height},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
        locale="en-US",
        color_scheme="light",
    )
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
        page.on(
            "response",
            lambda r: (
                errors.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", annotator.get_username())
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("form:has(#id_password) button[type=submit]").click()
        body = seed_article.current_revision.body
        phrase = "كيم جونغ أون"
        open_article(page, live_server, seed_article)

        select_text(page, phrase)
        box = page.locator(TOOLBAR_VISIBLE).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
        annotation = store_via(
            page, lambda: page.locator(f"{TOOLBAR_VISIBLE} [data-action=highlight]").tap()
        )

        assert_span(annotation, phrase, start=body.index(phrase))
        assert mark_text(page, annotation.pk) == phrase
    finally:
        context.close()
    assert errors == []
