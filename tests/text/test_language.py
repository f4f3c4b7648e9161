"""reader.text.language: language guess and base direction."""

from pathlib import Path

import pytest

from reader.text.language import RTL_LANGUAGES, detect_language, direction_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = FIXTURES / "corpus"


@pytest.mark.parametrize(
    ("filename", "language"),
    [
        ("ar_news_pud_passages.txt", "ar"),
        ("ar_wiki_damascus.txt", "ar"),
        ("fa_news_seraji.txt", "fa"),
        ("he_wiki_dialysis.txt", "he"),
    ],
)
def test_detect_language_corpus_files(filename, language):
    text = (CORPUS / filename).read_text(encoding="utf-8")
    assert detect_language(text) == language
    assert direction_for(detect_language(text), text) == "rtl"


def test_detect_language_seed_article_is_arabic():
    text = (FIXTURES / "seed_article.txt").read_text(encoding="utf-8")
    assert detect_language(text) == "ar"
    assert direction_for("ar") == "rtl"


@pytest.mark.parametrize(
    "text",
    [
        "پاکستان کے وزیر اعظم نے کہا ہے کہ",
        "ملک میں مہنگائی کی شرح میں اضافہ ہوا ہے",
        "لاہور میں آج بارش ہوئی اور سڑکیں پانی سے بھر گئیں۔",
        "عدالت نے فیصلہ محفوظ کر لیا",
    ],
)
def test_detect_language_urdu_samples(text):
    assert detect_language(text) == "ur"


def test_detect_language_short_persian_and_arabic_words():
    assert detect_language("کتاب") == "fa"
    assert detect_language("این یک آزمایش است و ۱۲ نفر آمدند") == "fa"
    assert detect_language("سلام") == "ar"
    assert detect_language("هذه المدينة كبيرة") == "ar"


def test_detect_language_latin_text_is_english():
    assert detect_language("The quick brown fox jumps over the lazy dog.") == "en"


def test_detect_language_latin_with_an_arabic_word_is_english():
    assert detect_language("The word for peace is سلام in Arabic and many other tongues.") == "en"


def test_detect_language_without_letters_is_empty():
    assert detect_language("") == ""
    assert detect_language("123 — 456 !!") == ""


def test_detect_language_other_script_is_unknown():
    assert detect_language("Привет, мир") == ""


def test_rtl_languages():
    assert {"ar", "fa", "ur", "he", "yi", "ps", "sd", "ug", "ckb", "dv", "syr", "arc"} == (
        RTL_LANGUAGES
    )


def test_direction_for_known_tags():
    assert direction_for("ar") == "rtl"
    assert direction_for("ar-EG") == "rtl"
    assert direction_for("FA_ir") == "rtl"
    assert direction_for("ckb") == "rtl"
    assert direction_for("en") == "ltr"
    assert direction_for("fr-CA", "مرحبا") == "ltr"


def test_direction_for_script_subtag_wins():
    assert direction_for("az-Arab") == "rtl"
    assert direction_for("ug-Latn") == "ltr"


def test_direction_for_unknown_language_uses_first_strong_character():
    assert direction_for("", "123 مرحبا Hello") == "rtl"
    assert direction_for("", "«שלום» world") == "rtl"
    assert direction_for("", "  (Hello) مرحبا") == "ltr"
    assert direction_for("und", "12 سلام") == "rtl"
    assert direction_for("", "123 !!") == "ltr"
    assert direction_for("") == "ltr"
