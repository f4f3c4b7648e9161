"""W3C selectors and re-anchoring after an edit, on Arabic news text."""

import random

import pytest
from diff_match_patch import diff_match_patch
from hypothesis import given, settings, strategies as st

from reader.text.anchoring import (
    CONTEXT,
    Reanchored,
    TextSelector,
    _diff,
    _new_dmp,
    _OffsetMap,
    make_selector,
    reanchor,
    reanchor_many,
)
from reader.text.graphemes import grapheme_boundaries, is_grapheme_boundary

# From shared/seeds/000_de848bb7c75f8e16.txt.
P1 = (
    "تعهد الرئيس الروسي فلاديمير بوتين بالتعاون مع كوريا الشمالية لتعزيز مقاومة النظامين "
    "للعقوبات الغربية، بينما يستعد للقيام بأول زيارة له إلى بيونغ يانغ منذ 24 عاما وتوقيع "
    "شراكة استراتيجية جديدة مع كيم جونغ أون."
)
P2 = (
    "وقال بوتين، الذي سيصل إلى بيونغ يانغ في زيارة تستغرق يومين في وقت متأخر من يوم الثلاثاء، "
    "إن روسيا ستسعى إلى العمل بشكل وثيق مع كوريا الشمالية لمقاومة الضغوط بشأن الغزو الروسي "
    "لأوكرانيا وبرنامج كوريا الشمالية النووي والصاروخي الباليستي، وذلك بحسب مقال نشر في "
    "صحيفة “واشنطن بوست”. صحيفة رودونج سينمون الحكومية في كوريا الشمالية."
)
P3 = "وأكدت كوريا الشمالية، الثلاثاء، دعمها للغزو الروسي الذي وصفه كيم بأنه “حرب مقدسة”."
P4 = (
    "“يستفيد كيم جونغ أون كثيرًا من العلاقة مع روسيا. وأضافت: “إن الخروج من فترة صعبة للغاية "
    "من العزلة الوبائية وبعد المفاوضات الفاشلة مع الولايات المتحدة وكوريا الجنوبية، فإن "
    "القدرة على لقاء بوتين يعد انتصارًا سياسيًا كبيرًا له”."
)
BODY = "\n\n".join([P1, P2, P3, P4])


def select(body: str, text: str, occurrence: int = 0) -> TextSelector:
    start = -1
    for _ in range(occurrence + 1):
        start = body.index(text, start + 1)
    return make_selector(body, start, start + len(text))


def check(body: str, result: Reanchored, status: str, text: str | None = None) -> None:
    assert result.status == status, result
    if status == "orphaned":
        assert result.start is None and result.end is None
        return
    assert is_grapheme_boundary(body, result.start)
    assert is_grapheme_boundary(body, result.end)
    if text is not None:
        assert body[result.start : result.end] == text


def test_make_selector():
    sel = select(BODY, "كيم جونغ أون")
    assert sel.exact == "كيم جونغ أون"
    assert len(sel.prefix) == CONTEXT and len(sel.suffix) == CONTEXT
    assert BODY[sel.start - CONTEXT : sel.start] == sel.prefix
    assert BODY[sel.end : sel.end + CONTEXT] == sel.suffix
    first = make_selector(BODY, 0, 4)
    assert first.prefix == "" and first.exact == "تعهد"
    last = make_selector(BODY, len(BODY) - 3, len(BODY))
    assert last.suffix == ""
    assert make_selector(BODY, 5, 20, context=4).prefix == BODY[1:5]
    for bad in [(-1, 3), (5, 4), (0, len(BODY) + 1)]:
        with pytest.raises(ValueError):
            make_selector(BODY, *bad)


def test_unchanged_body_is_exact():
    for text in ["بوتين", "كوريا الشمالية", "“حرب مقدسة”", P2]:
        sel = select(BODY, text)
        result = reanchor(BODY, BODY, sel)
        assert result == Reanchored("exact", sel.start, sel.end)


def test_insert_before_moves():
    sel = select(BODY, "كيم جونغ أون")
    added = "افتح ملخص المحرر مجانًا\n\n"
    new = added + BODY
    result = reanchor(BODY, new, sel)
    assert result == Reanchored("moved", sel.start + len(added), sel.end + len(added))


def test_insert_after_and_edit_elsewhere_is_exact():
    sel = select(BODY, "كوريا الشمالية", 1)
    new = BODY.replace("“حرب مقدسة”", "“حرب مقدسة جدًا”") + "\n\n[ad_2]"
    assert reanchor(BODY, new, sel) == Reanchored("exact", sel.start, sel.end)


def test_delete_before_moves():
    sel = select(BODY, "“حرب مقدسة”")
    new = BODY.replace("الذي سيصل إلى بيونغ يانغ في زيارة تستغرق يومين ", "")
    result = reanchor(BODY, new, sel)
    check(new, result, "moved", "“حرب مقدسة”")


def test_deleted_span_is_orphaned():
    sel = select(BODY, "رودونج سينمون")
    new = BODY.replace(" رودونج سينمون", "")
    check(new, reanchor(BODY, new, sel), "orphaned")


def test_deleted_paragraph_is_orphaned():
    sel = select(BODY, "الحكومية في كوريا الشمالية")
    new = "\n\n".join([P1, P3, P4])
    check(new, reanchor(BODY, new, sel), "orphaned")


def test_small_edit_inside_span_is_found_fuzzily():
    sel = select(BODY, "جونغ أون")
    new = BODY.replace("كيم جونغ أون.", "كيم جونج أون.")
    result = reanchor(BODY, new, sel)
    check(new, result, "quote", "جونج أون")


def test_fuzzy_beats_a_context_free_copy_elsewhere():
    # The first "كيم جونغ أون" is respelled; another one exists in P4, with other context.
    sel = select(BODY, "كيم جونغ أون")
    new = BODY.replace("كيم جونغ أون.", "كيم جونج أون.")
    result = reanchor(BODY, new, sel)
    check(new, result, "quote", "كيم جونج أون")


def test_long_quote_with_edits_is_found_fuzzily():
    sel = select(BODY, P2)
    new = BODY.replace("تستغرق يومين", "تستمر يومين").replace("لمقاومة الضغوط", "لمواجهة الضغوط")
    result = reanchor(BODY, new, sel)
    check(new, result, "quote")
    assert new[result.start : result.start + 10] == P2[:10]
    assert new[result.end - 10 : result.end] == P2[-10:]


def test_long_quote_rewritten_too_much_is_orphaned():
    sel = select(BODY, P3)
    rewritten = "وقالت بيونغ يانغ إن موقفها من الحرب لم يتغير منذ بدايتها."
    new = BODY.replace(P3, rewritten)
    check(new, reanchor(BODY, new, sel), "orphaned")


def test_quote_found_after_heavy_rewrite():
    sel = select(BODY, "رودونج سينمون")
    new = (
        "نشرت الصحيفة الرسمية رودونج سينمون مقالا للرئيس الروسي.\n\n"
        "وتناول المقال العلاقات الثنائية والعقوبات."
    )
    result = reanchor(BODY, new, sel)
    check(new, result, "quote", "رودونج سينمون")


def test_quote_chooses_the_occurrence_with_matching_context():
    # Third "كوريا الشمالية" of the body; paragraphs reordered so the diff is no help.
    sel = select(BODY, "كوريا الشمالية", 2)
    assert "النووي" in sel.suffix
    new = "\n\n".join([P4, P3, P1, P2])
    result = reanchor(BODY, new, sel)
    assert result.status in ("moved", "quote")
    assert new[result.start : result.end] == "كوريا الشمالية"
    assert new[result.end : result.end + len(sel.suffix)] == sel.suffix
    # An old body that shares nothing with the new one: only the context can tell.
    result = reanchor("-" * len(BODY), new, sel)
    check(new, result, "quote", "كوريا الشمالية")
    assert new[result.end : result.end + len(sel.suffix)] == sel.suffix
    assert new[result.start - len(sel.prefix) : result.start] == sel.prefix


def test_never_splits_harakat_added_by_the_edit():
    old = "قال محمد إن الزيارة مهمة"
    sel = select(old, "محمد")
    new = "قال محمدٌ إن الزيارة مهمة"  # a tanwin now sits on the dal
    result = reanchor(old, new, sel)
    check(new, result, "quote", "محمدٌ")


def test_empty_bodies_and_empty_selection():
    assert reanchor_many(BODY, BODY, []) == []
    sel = make_selector(BODY, 10, 10)
    assert reanchor(BODY, BODY, sel) == Reanchored("exact", 10, 10)
    check("", reanchor(BODY, "", select(BODY, "بوتين")), "orphaned")


def test_reanchor_many_matches_reanchor():
    new = "مقدمة قصيرة.\n\n" + BODY.replace("جونغ", "جونج", 1).replace(P3, "")
    selectors = [select(BODY, w, k) for w in ["بوتين", "كوريا الشمالية"] for k in range(3)]
    selectors += [select(BODY, "جونغ أون"), select(BODY, "حرب مقدسة")]
    assert reanchor_many(BODY, new, selectors) == [reanchor(BODY, new, s) for s in selectors]


def test_many_selectors_on_a_long_body():
    rng = random.Random(3)
    body = "\n\n".join([P1, P2, P3, P4] * 20)[:20_000]
    bounds = grapheme_boundaries(body)
    selectors = []
    for _ in range(5_000):
        i = rng.randrange(len(bounds) - 30)
        selectors.append(make_selector(body, bounds[i], bounds[i + rng.randint(1, 30)]))
    new = body[:3000] + "فقرة جديدة تماما.\n\n" + body[3000:9000] + body[9400:]
    results = reanchor_many(body, new, selectors)
    assert len(results) == len(selectors)
    for sel, result in zip(selectors, results, strict=True):
        if result.status in ("exact", "moved"):
            assert new[result.start : result.end] == sel.exact


def test_offset_map_start_is_diff_xindex():
    rng = random.Random(5)
    dmp = diff_match_patch()
    for _ in range(200):
        old = "".join(rng.choice("ابت ج") for _ in range(rng.randint(0, 40)))
        new = "".join(rng.choice("ابت ج") for _ in range(rng.randint(0, 40)))
        diffs = _diff(old, new, _new_dmp())
        offsets = _OffsetMap(diffs, len(new))
        for loc in range(len(old) + 1):
            assert offsets.start(loc) == dmp.diff_xIndex(diffs, loc)
            assert 0 <= offsets.end(loc) <= len(new)


# Property tests.  Old text is Arabic (letters, harakat, spaces); inserted text is Latin, so
# the diff of an insertion is exactly that insertion.
ARABIC_LETTERS = "ابتثجحدرسعفقكلمنهوي"
HARAKAT = "\u064b\u064e\u064f\u0650\u0651\u0652"
arabic_texts = st.text(alphabet=ARABIC_LETTERS + HARAKAT + " ", min_size=1, max_size=80).filter(
    lambda t: t[0] not in HARAKAT
)
latin_texts = st.text(alphabet="xyzXYZ", min_size=1, max_size=20)


@st.composite
def text_and_span(draw, texts=arabic_texts):
    text = draw(texts)
    bounds = grapheme_boundaries(text)
    i = draw(st.integers(0, len(bounds) - 2))
    j = draw(st.integers(i + 1, len(bounds) - 1))
    return text, bounds[i], bounds[j]


@given(text_and_span())
@settings(max_examples=200, deadline=None)
def test_unchanged_text_keeps_every_position(case):
    text, start, end = case
    sel = make_selector(text, start, end)
    assert reanchor(text, text, sel) == Reanchored("exact", start, end)


@given(text_and_span(), latin_texts, st.data())
@settings(max_examples=200, deadline=None)
def test_insert_before_shifts(case, inserted, data):
    text, start, end = case
    bounds = [b for b in grapheme_boundaries(text) if b <= start]
    at = data.draw(st.sampled_from(bounds))
    new = text[:at] + inserted + text[at:]
    result = reanchor(text, new, make_selector(text, start, end))
    n = len(inserted)
    assert result == Reanchored("moved", start + n, end + n)
    assert new[result.start : result.end] == text[start:end]


@given(text_and_span(), latin_texts, st.data())
@settings(max_examples=200, deadline=None)
def test_insert_after_keeps(case, inserted, data):
    text, start, end = case
    bounds = [b for b in grapheme_boundaries(text) if b >= end]
    at = data.draw(st.sampled_from(bounds))
    new = text[:at] + inserted + text[at:]
    assert reanchor(text, new, make_selector(text, start, end)) == Reanchored("exact", start, end)


@given(arabic_texts, latin_texts, arabic_texts)
@settings(max_examples=200, deadline=None)
def test_deleting_the_span_orphans_it(before, span_text, after):
    old = before + span_text + after
    sel = make_selector(old, len(before), len(before) + len(span_text))
    result = reanchor(old, before + after, sel)
    assert result == Reanchored("orphaned", None, None)


hebrew_texts = st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשת ", min_size=0, max_size=80)


@given(arabic_texts, latin_texts, arabic_texts, hebrew_texts, hebrew_texts)
@settings(max_examples=200, deadline=None)
def test_quote_found_after_heavy_rewrite_property(before, span_text, after, new_before, new_after):
    old = before + span_text + after
    sel = make_selector(old, len(before), len(before) + len(span_text))
    new = new_before + span_text + new_after
    result = reanchor(old, new, sel)
    assert result.status in ("moved", "quote", "exact")
    assert (result.start, result.end) == (len(new_before), len(new_before) + len(span_text))


@given(text_and_span(), text_and_span())
@settings(max_examples=200, deadline=None)
def test_any_edit_gives_a_grapheme_safe_result(case, other):
    old, start, end = case
    new = other[0]
    result = reanchor(old, new, make_selector(old, start, end))
    assert result.status in ("exact", "moved", "quote", "orphaned")
    if result.status == "orphaned":
        assert result.start is None and result.end is None
    else:
        assert 0 <= result.start <= result.end <= len(new)
        assert is_grapheme_boundary(new, result.start)
        assert is_grapheme_boundary(new, result.end)
        if result.status in ("exact", "moved"):
            assert new[result.start : result.end] == old[start:end]


@given(
    st.text(alphabet=ARABIC_LETTERS + HARAKAT + " \n", max_size=60),
    st.integers(-10, 80),
    st.integers(-10, 80),
    st.text(alphabet=ARABIC_LETTERS + HARAKAT + " ", max_size=40),
    st.text(alphabet=ARABIC_LETTERS + " ", max_size=8),
    st.text(alphabet=ARABIC_LETTERS + " ", max_size=8),
)
@settings(max_examples=300, deadline=None)
def test_any_selector_is_handled(body, start, end, exact, prefix, suffix):
    # Imported annotations may carry positions that do not fit the body at all.
    result = reanchor(body, body, TextSelector(start, end, exact, prefix, suffix))
    if result.status == "orphaned":
        assert result.start is None and result.end is None
    else:
        assert 0 <= result.start <= result.end <= len(body)
        assert is_grapheme_boundary(body, result.start)
        assert is_grapheme_boundary(body, result.end)
        if result.status in ("exact", "moved"):
            assert body[result.start : result.end] == exact
