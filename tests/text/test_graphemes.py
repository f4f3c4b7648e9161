"""Grapheme clusters: boundaries, the fast local check, snapping."""

from hypothesis import given, settings, strategies as st

from reader.text.graphemes import (
    grapheme_boundaries,
    is_grapheme_boundary,
    next_boundary,
    previous_boundary,
    snap_to_graphemes,
)

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧
SAUDI = "\U0001f1f8\U0001f1e6"  # 🇸🇦
EGYPT = "\U0001f1ea\U0001f1ec"  # 🇪🇬
MAJJANAN = "مجانًا"  # the tanwin U+064B sits on the nun
PERSIAN = "می\u200cخواهم"  # ZWNJ (Grapheme_Cluster_Break=Extend) after the yeh


def assert_boundaries(text: str, expected: list[int]) -> None:
    assert grapheme_boundaries(text) == expected
    for i in range(-1, len(text) + 2):
        assert is_grapheme_boundary(text, i) == (i in expected), i


def test_arabic_letter_with_harakat():
    assert MAJJANAN[4] == "\u064b"
    assert_boundaries(MAJJANAN, [0, 1, 2, 3, 5, 6])
    assert not is_grapheme_boundary(MAJJANAN, 4)


def test_fully_vocalised_arabic():
    text = "أَحْمَد"  # alef-hamza fatha, ha sukun, mim fatha, dal
    assert_boundaries(text, [0, 2, 4, 6, 7])


def test_emoji_zwj_sequence_is_one_cluster():
    assert_boundaries(FAMILY, [0, len(FAMILY)])
    text = f"عائلة {FAMILY} سعيدة"
    start = text.index(FAMILY)
    for i in range(start + 1, start + len(FAMILY)):
        assert not is_grapheme_boundary(text, i)
    assert is_grapheme_boundary(text, start)
    assert is_grapheme_boundary(text, start + len(FAMILY))


def test_emoji_modifier():
    thumbs = "\U0001f44d\U0001f3fd"
    assert_boundaries(f"a{thumbs}b", [0, 1, 3, 4])


def test_flags_pair_regional_indicators():
    assert_boundaries(SAUDI + EGYPT, [0, 2, 4])
    # An odd indicator at the end stands alone.
    assert_boundaries(SAUDI + EGYPT[0], [0, 2, 3])
    # Pairing counts from the start of the run, not from the index asked about.
    text = "x " + SAUDI + EGYPT + SAUDI
    assert_boundaries(text, [0, 1, 2, 4, 6, 8])


def test_hangul():
    assert_boundaries("한국어", [0, 1, 2, 3])
    jamo = "\u1112\u1161\u11ab"  # 한 as conjoining jamo L V T
    assert_boundaries(jamo + "\u1100\u1173", [0, 3, 5])


def test_persian_zwnj_is_extend():
    assert_boundaries(PERSIAN, [0, 1, 3, 4, 5, 6, 7, 8])
    assert not is_grapheme_boundary(PERSIAN, 2)


def test_combining_marks():
    assert_boundaries("e\u0301te\u0301", [0, 2, 3, 5])
    hebrew = "שָׁלוֹם"  # shin qamats shin-dot, lamed, vav holam, final mem
    assert_boundaries(hebrew, [0, 3, 4, 6, 7])


def test_newline_always_breaks():
    text = "a\n\u0301b"  # a mark after a line break starts its own cluster
    assert_boundaries(text, [0, 1, 2, 3, 4])


def test_empty_and_out_of_range():
    assert grapheme_boundaries("") == [0]
    assert is_grapheme_boundary("", 0)
    assert not is_grapheme_boundary("", 1)
    assert not is_grapheme_boundary("abc", -1)
    assert not is_grapheme_boundary("abc", 4)
    assert is_grapheme_boundary("abc", 3)


def test_long_runs_beyond_the_lookback():
    marks = "\u0301" * 400
    text = "a" + marks + "b"
    assert_boundaries(text, [0, 401, 402])
    text = "x\n" + marks + "y"
    assert is_grapheme_boundary(text, 2)
    assert not is_grapheme_boundary(text, 300)
    assert is_grapheme_boundary(text, 402)
    flags = SAUDI * 100 + EGYPT[0]
    text = "x" + flags
    assert is_grapheme_boundary(text, 1 + 2 * 70)
    assert not is_grapheme_boundary(text, 1 + 2 * 70 + 1)
    assert is_grapheme_boundary(text, len(text) - 1)


def test_large_body_is_cheap():
    paragraph = "وقال بوتين، الذي سيصل إلى بيونغ يانغ في زيارة تستغرق يومين مجانًا. "
    body = "\n\n".join([paragraph * 10] * 150)  # ~100 KB
    assert len(body) > 100_000
    bounds = set(grapheme_boundaries(body))
    for i in range(0, len(body), 97):
        assert is_grapheme_boundary(body, i) == (i in bounds)
    # Positions just after every tanwin-carrying nun are not boundaries.
    i = body.index("نًا")
    assert not is_grapheme_boundary(body, i + 1)
    assert is_grapheme_boundary(body, i + 2)


def test_snap():
    assert snap_to_graphemes(MAJJANAN, 4, 4) == (3, 5)
    assert snap_to_graphemes(MAJJANAN, 3, 4) == (3, 5)
    assert snap_to_graphemes(MAJJANAN, 4, 6) == (3, 6)
    assert snap_to_graphemes(MAJJANAN, 0, 6) == (0, 6)
    assert snap_to_graphemes(FAMILY, 2, 3) == (0, len(FAMILY))
    assert snap_to_graphemes(PERSIAN, 1, 2) == (1, 3)
    assert snap_to_graphemes("abc", -5, 10) == (0, 3)
    assert previous_boundary(MAJJANAN, 4) == 3
    assert next_boundary(MAJJANAN, 4) == 5


TRICKY = [
    "a",
    " ",
    "\n",
    "م",
    "ج",
    "ا",
    "\u064b",
    "\u0651",
    "\u0670",
    "\u0640",
    "\u200c",
    "\u200d",
    "\u200f",
    "\u0301",
    "\U0001f468",
    "\U0001f469",
    "\U0001f3fd",
    "\U0001f1f8",
    "\U0001f1e6",
    "\u1112",
    "\u1161",
    "\u11ab",
    "한",
    "\u0915",  # Devanagari ka
    "\u094d",  # virama
    "\u0937",  # ssa
    "\u093f",  # vowel sign i (SpacingMark)
    "\u0600",  # Arabic number sign (Prepend)
    "\r",
    "\x00",
]

texts = st.lists(
    st.one_of(
        st.sampled_from(TRICKY),
        st.characters(codec="utf-8"),
        st.sampled_from(["\u0301" * 150, SAUDI * 70, "\u200d\U0001f469" * 50]),
    ),
    max_size=40,
).map("".join)


@given(texts, st.data())
@settings(max_examples=300, deadline=None)
def test_is_boundary_agrees_with_full_scan(text, data):
    bounds = set(grapheme_boundaries(text))
    assert 0 in bounds and len(text) in bounds
    for _ in range(5):
        i = data.draw(st.integers(-2, len(text) + 2))
        assert is_grapheme_boundary(text, i) == (i in bounds)


@given(texts)
@settings(max_examples=50, deadline=None)
def test_every_index_agrees(text):
    bounds = set(grapheme_boundaries(text))
    assert [is_grapheme_boundary(text, i) for i in range(len(text) + 1)] == [
        i in bounds for i in range(len(text) + 1)
    ]


@given(texts, st.data())
@settings(max_examples=300, deadline=None)
def test_snap_gives_boundaries_containing_the_span(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    s, e = snap_to_graphemes(text, start, end)
    assert s <= start and end <= e
    assert is_grapheme_boundary(text, s) and is_grapheme_boundary(text, e)
    bounds = grapheme_boundaries(text)
    # Nearest: no boundary strictly between s and start, or between end and e.
    assert not any(s < b <= start for b in bounds)
    assert not any(end <= b < e for b in bounds)
