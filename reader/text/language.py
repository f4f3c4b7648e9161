"""Language guess for imported articles, and base direction from a language tag.

The guess only tells apart the languages Hamish is built for (Arabic, Persian, Urdu,
Hebrew) and Latin-script text ("en"); anything else is "" (unknown), in which case the
direction comes from the first strong character of the text.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "RTL_LANGUAGES",
    "RTL_SCRIPTS",
    "detect_language",
    "direction_for",
]

RTL_LANGUAGES = frozenset(
    {"ar", "fa", "ur", "he", "yi", "ps", "sd", "ug", "ckb", "dv", "syr", "arc"}
)

#: ISO 15924 script subtags written right to left ("az-Arab", "pa-Arab", "ku-Arab" ...).
RTL_SCRIPTS = frozenset(
    {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr", "mend", "yezi"}
)
_LTR_SCRIPTS = frozenset({"latn", "cyrl", "grek", "deva", "hans", "hant", "jpan", "kore"})

#: Letters used by Urdu but not by Arabic or Persian: ٹ ڈ ڑ ں ے ۓ ھ ہ ۃ.
URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06d2\u06d3\u06be\u06c1\u06c3")
#: Persian letters (پ چ ژ گ ک ی) and Extended Arabic-Indic (Persian) digits ۰–۹.
PERSIAN_SIGNALS = frozenset("\u067e\u0686\u0698\u06af\u06a9\u06cc") | frozenset(
    chr(c) for c in range(0x06F0, 0x06FA)
)
#: Arabic-only letters (ي ك ة ى) and Arabic-Indic digits ٠–٩.
ARABIC_SIGNALS = frozenset("\u064a\u0643\u0629\u0649") | frozenset(
    chr(c) for c in range(0x0660, 0x066A)
)
#: Urdu-only letters must make up at least this share of the Arabic-script letters.
URDU_MIN_SHARE = 0.01


def _script(char: str) -> str:
    code = ord(char)
    if 0x0590 <= code <= 0x05FF or 0xFB1D <= code <= 0xFB4F:
        return "hebrew"
    if (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x0870 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    ):
        return "arabic"
    if (
        code < 0x0250
        or 0x1E00 <= code <= 0x1EFF
        or 0x2C60 <= code <= 0x2C7F
        or 0xA720 <= code <= 0xA7FF
        or 0xFF21 <= code <= 0xFF5A
    ):
        return "latin"
    return "other"


def detect_language(text: str) -> str:
    """Guess the language of ``text``: "ar", "fa", "ur", "he", "en" (Latin script) or "".

    The script with the most letters wins. Among Arabic-script texts, Urdu-only letters in
    a meaningful share mean Urdu; otherwise Persian letters and digits against Arabic-only
    letters and digits decide between Persian and Arabic. "" when there are no letters or
    the text is in another script.
    """
    letters = {"hebrew": 0, "arabic": 0, "latin": 0, "other": 0}
    urdu = persian = arabic = 0
    for char in text:
        if char in URDU_LETTERS:
            urdu += 1
        elif char in PERSIAN_SIGNALS:
            persian += 1
        elif char in ARABIC_SIGNALS:
            arabic += 1
        if unicodedata.category(char).startswith("L"):
            letters[_script(char)] += 1
    if not any(letters.values()):
        return ""
    script = max(letters, key=lambda name: letters[name])
    if script == "hebrew":
        return "he"
    if script == "latin":
        return "en"
    if script == "other":
        return ""
    if urdu and urdu >= URDU_MIN_SHARE * letters["arabic"] and urdu + persian > arabic:
        return "ur"
    if persian > arabic:
        return "fa"
    return "ar"


def _first_strong_direction(text: str) -> str:
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "ltr"


def direction_for(language: str, text: str = "") -> str:
    """Base direction for a BCP 47 tag: "rtl" or "ltr".

    The primary subtag decides ("ar-EG" is rtl); a script subtag overrides it ("az-Arab" is
    rtl, "ug-Latn" ltr). Without a tag (or "und"/"mul"/"zxx"), the first strong character of
    ``text`` decides, and "ltr" is the default.
    """
    subtags = language.strip().replace("_", "-").lower().split("-")
    primary = subtags[0]
    if primary in ("", "und", "mul", "zxx", "mis"):
        return _first_strong_direction(text)
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            if subtag in RTL_SCRIPTS:
                return "rtl"
            if subtag in _LTR_SCRIPTS:
                return "ltr"
            break
    return "rtl" if primary in RTL_LANGUAGES else "ltr"
