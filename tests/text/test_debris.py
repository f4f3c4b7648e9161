"""reader.text.debris: rules as data, and what clean_blocks removes."""

import pytest
from hypothesis import given, strategies as st

from reader.text.blocks import Block
from reader.text.debris import DEFAULT_RULES, Removal, Rule, clean_blocks


def paragraphs(*texts):
    return [Block("paragraph", text) for text in texts]


def clean(blocks, title="", rules=DEFAULT_RULES):
    kept, removals = clean_blocks(blocks, title=title, rules=rules)
    return [block.text for block in kept], [(r.rule, r.text, r.index) for r in removals]


def reinsert(kept, removals):
    """Put removed blocks back where they stood (what an "undo" does)."""
    result = list(kept)
    for shift, removal in enumerate(removals):
        result.insert(removal.index + shift, Block("paragraph", removal.text))
    return result


def test_default_rules_names_and_kinds():
    assert [(rule.name, rule.kind) for rule in DEFAULT_RULES] == [
        ("ad_marker", "line"),
        ("promo_line", "line"),
        ("source_label", "trailing"),
        ("repeated_title", "repeated_title"),
    ]


@pytest.mark.parametrize(
    "marker", ["[ad_1]", "[ad_2]", "[ad]", "[AD_12]", "ADVERTISEMENT", "Advertisement", "إعلان"]
)
def test_clean_blocks_removes_ad_markers_anywhere(marker):
    texts, removals = clean(paragraphs("أول", marker, "ثان"))
    assert texts == ["أول", "ثان"]
    assert removals == [("ad_marker", marker, 1)]


def test_clean_blocks_keeps_ad_marker_inside_a_paragraph():
    texts, removals = clean(paragraphs("نص [ad_1] نص", "Advertisement revenue fell."))
    assert texts == ["نص [ad_1] نص", "Advertisement revenue fell."]
    assert removals == []


@pytest.mark.parametrize(
    "promo",
    [
        "افتح ملخص المحرر مجانًا",
        "افتح ملخص المحرر مجانا",
        "افتح ملخص المحرر مجاناً",
        "إفتح ملخص المحرر مجانًا",
        "أفتح ملخص  المحرر مجانًا.",
        "\u0627\u0654فتح ملخص المحرر مجانًا",  # decomposed hamza: matched after NFC
        "افْتَحْ مُلَخَّصَ المحرر مجانًا",  # harakat
        "Unlock the Editor’s Digest for free",
        "Unlock the Editor's Digest for free",
    ],
)
def test_clean_blocks_removes_promo_line_variants(promo):
    texts, removals = clean(paragraphs("أول", promo, "ثان"))
    assert texts == ["أول", "ثان"]
    assert removals == [("promo_line", promo, 1)]


@pytest.mark.parametrize(
    "label", ["المصدر", "المصدر:", "المصدر :", "Source", "Source:", "منبع", "מקור"]
)
def test_clean_blocks_removes_trailing_source_label(label):
    texts, removals = clean(paragraphs("أول", "ثان", label))
    assert texts == ["أول", "ثان"]
    assert removals == [("source_label", label, 2)]


def test_clean_blocks_keeps_source_label_that_is_not_at_the_end():
    texts, removals = clean(paragraphs("أول", "المصدر", "ثان"))
    assert texts == ["أول", "المصدر", "ثان"]
    assert removals == []


def test_clean_blocks_keeps_a_source_line_that_names_the_source():
    texts, removals = clean(paragraphs("أول", "المصدر: رويترز"))
    assert texts == ["أول", "المصدر: رويترز"]
    assert removals == []


def test_clean_blocks_removes_trailing_debris_backwards():
    texts, removals = clean(paragraphs("أول", "Source", "[ad_2]", "المصدر"))
    assert texts == ["أول"]
    assert removals == [
        ("source_label", "Source", 1),
        ("ad_marker", "[ad_2]", 1),
        ("source_label", "المصدر", 1),
    ]


def test_clean_blocks_removes_repeated_title_at_the_start():
    blocks = [Block("heading", "عنوان المقال!"), *paragraphs("نص")]
    texts, removals = clean(blocks, title=" عنوان  المقال ")
    assert texts == ["نص"]
    assert removals == [("repeated_title", "عنوان المقال!", 0)]


def test_clean_blocks_repeated_title_is_case_insensitive():
    texts, removals = clean(paragraphs("BREAKING: The News.", "Body"), title="breaking: the news")
    assert texts == ["Body"]
    assert removals == [("repeated_title", "BREAKING: The News.", 0)]


def test_clean_blocks_repeated_title_after_leading_debris():
    texts, removals = clean(paragraphs("[ad_1]", "العنوان", "نص"), title="العنوان")
    assert texts == ["نص"]
    assert removals == [("ad_marker", "[ad_1]", 0), ("repeated_title", "العنوان", 0)]


def test_clean_blocks_keeps_title_text_later_in_the_body():
    texts, removals = clean(paragraphs("نص", "العنوان"), title="العنوان")
    assert texts == ["نص", "العنوان"]
    assert removals == []


def test_clean_blocks_without_title_removes_no_title():
    texts, removals = clean(paragraphs("", "نص"), title="")
    assert texts == ["", "نص"]
    assert removals == []


def test_clean_blocks_leading_rule_only_at_the_start():
    rules = [*DEFAULT_RULES, Rule(name="share", kind="leading", pattern=r"share|شارك")]
    texts, removals = clean(paragraphs("شارك", "Share", "نص", "شارك"), rules=rules)
    assert texts == ["نص", "شارك"]
    assert removals == [("share", "شارك", 0), ("share", "Share", 0)]


def test_clean_blocks_custom_line_rule():
    rules = [Rule(name="read_more", kind="line", pattern=r"(اقرأ أيضا|read more):?.*")]
    texts, removals = clean(paragraphs("أول", "اقرأ أيضا: خبر آخر", "ثان"), rules=rules)
    assert texts == ["أول", "ثان"]
    assert removals == [("read_more", "اقرأ أيضا: خبر آخر", 1)]


def test_clean_blocks_removal_indexes_restore_the_original():
    blocks = paragraphs("العنوان", "[ad_1]", "أول", "إعلان", "ثان", "[ad_2]", "المصدر")
    kept, removals = clean_blocks(blocks, title="العنوان", rules=DEFAULT_RULES)
    assert [block.text for block in kept] == ["أول", "ثان"]
    assert removals == [
        Removal(rule="repeated_title", text="العنوان", index=0),
        Removal(rule="ad_marker", text="[ad_1]", index=0),
        Removal(rule="ad_marker", text="إعلان", index=1),
        Removal(rule="ad_marker", text="[ad_2]", index=2),
        Removal(rule="source_label", text="المصدر", index=2),
    ]
    assert [block.text for block in reinsert(kept, removals)] == [b.text for b in blocks]


def test_clean_blocks_keeps_block_kinds():
    blocks = [Block("heading", "عنوان فرعي"), Block("caption", "صورة © AFP"), *paragraphs("[ad]")]
    kept, _ = clean_blocks(blocks, title="", rules=DEFAULT_RULES)
    assert kept == blocks[:2]


def test_rule_rejects_unknown_kind():
    with pytest.raises(ValueError, match="Unknown rule kind"):
        Rule(name="x", kind="middle", pattern="x")


def test_rule_rejects_invalid_pattern():
    with pytest.raises(ValueError, match="invalid pattern"):
        Rule(name="x", kind="line", pattern="[unclosed")


def test_rule_requires_pattern_except_repeated_title():
    with pytest.raises(ValueError, match="needs a pattern"):
        Rule(name="x", kind="trailing")
    assert Rule(name="title", kind="repeated_title").pattern == ""


VOCABULARY = [
    "العنوان",
    "[ad_1]",
    "إعلان",
    "نص",
    "نص آخر",
    "المصدر",
    "Source:",
    "Unlock the Editor's Digest for free",
]


@given(st.lists(st.sampled_from(VOCABULARY), max_size=10))
def test_clean_blocks_reinserting_removals_restores_the_blocks(texts):
    blocks = paragraphs(*texts)
    kept, removals = clean_blocks(blocks, title="العنوان", rules=DEFAULT_RULES)
    assert len(kept) + len(removals) == len(blocks)
    assert [r.index for r in removals] == sorted(r.index for r in removals)
    assert reinsert(kept, removals) == blocks
