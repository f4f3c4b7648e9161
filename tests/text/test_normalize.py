"""reader.text.normalize: the stored form of article text and of text users type."""

import unicodedata

from hypothesis import given, strategies as st

from reader.text.normalize import (
    BIDI_CONTROLS,
    SPACE_SEPARATORS,
    clean_user_text,
    normalize_text,
)

SPECIAL = [
    "\n", "\r", "\t", " ", "\u00a0", "\u2000", "\u3000", "\ufeff", "\u2028", "\u2029",
    "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u200e", "\u200f", "\u061c",
    "\u200c", "\u200d", "\u202a", "\u202e", "\u2066", "\u2069", "e", "\u0301", "\u0627",
    "\u0654", "\u064b", "ب", "א", "\u0308", "\u1100", "\u1161", "\u2126",
]  # fmt: skip
texts = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters()), max_size=80)


def test_bidi_controls_are_the_embeddings_overrides_and_isolates():
    expected = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
    assert expected == BIDI_CONTROLS
    assert len(BIDI_CONTROLS) == 9


def test_space_separators_are_the_unicode_zs_category():
    zs = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs"}
    assert set(SPACE_SEPARATORS) == zs


def test_normalize_text_composes_decomposed_latin():
    assert normalize_text("caf\u0065\u0301") == "caf\u00e9"


def test_normalize_text_composes_decomposed_alef_hamza():
    assert normalize_text("\u0627\u0654\u062d\u0645\u062f") == "\u0623\u062d\u0645\u062f"


def test_normalize_text_strips_every_bidi_control():
    text = "\u202bمرحبا\u202c \u2067Hamish\u2069 \u202a\u202d\u202e\u2066\u2068x"
    assert normalize_text(text) == "مرحبا Hamish x"


def test_normalize_text_keeps_lrm_rlm_alm_zwnj_zwj():
    text = "a\u200eb\u200fc\u061cd می\u200cخواهم \u0644\u200d"
    assert normalize_text(text) == text


def test_normalize_text_turns_crlf_cr_and_separators_into_newlines():
    assert normalize_text("a\r\nb\rc\u2028d\u2029e") == "a\nb\nc\nd\ne"


def test_normalize_text_removes_boms_anywhere():
    assert normalize_text("\ufeffسلام\ufeff دنیا") == "سلام دنیا"


def test_normalize_text_removes_controls_and_turns_tabs_into_spaces():
    assert normalize_text("a\x00b\x07c\x1b\x7f\x9fd\te") == "abcd e"


def test_normalize_text_collapses_spaces_and_strips_lines():
    assert normalize_text("  one   two \t three  \n   four  ") == "one two three\nfour"


def test_normalize_text_keeps_a_single_no_break_space():
    assert normalize_text("10\u00a0km") == "10\u00a0km"


def test_normalize_text_collapses_blank_lines_to_one():
    assert normalize_text("\n\n a \n \n\n\n\t\nb\n\n\n") == "a\n\nb"


def test_normalize_text_of_white_space_is_empty():
    assert normalize_text(" \n\t\r\n\u3000\ufeff") == ""


@given(texts)
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(texts)
def test_normalize_text_output_is_in_stored_form(text):
    result = normalize_text(text)
    assert unicodedata.is_normalized("NFC", result)
    assert "\r" not in result
    assert "\n\n\n" not in result
    assert "\t" not in result
    assert not BIDI_CONTROLS & set(result)
    assert result == result.strip()
    assert all(ch == "\n" or unicodedata.category(ch) != "Cc" for ch in result)


def test_clean_user_text_keeps_newlines_when_multiline():
    assert clean_user_text("  سطر\r\nثان\u202e  ") == "سطر\nثان"


def test_clean_user_text_single_line_turns_newlines_into_spaces():
    assert clean_user_text(" Ali\r\nHassan\t\x00 ", multiline=False) == "Ali Hassan"


def test_clean_user_text_applies_nfc_and_keeps_zwnj():
    assert clean_user_text("e\u0301 می\u200cروم\u2066") == "\u00e9 می\u200cروم"


@given(texts)
def test_clean_user_text_never_returns_controls(text):
    result = clean_user_text(text, multiline=False)
    assert "\n" not in result
    assert not BIDI_CONTROLS & set(result)
    assert all(unicodedata.category(ch) != "Cc" for ch in result)
