"""Normalisation of article text and of text that users type.

The article body is stored as Unicode NFC with ``\\n`` line ends and blocks separated by
exactly one blank line (see DESIGN.md, "The text model"). Explicit bidi embedding, override
and isolate controls are stripped (direction comes from markup); the implicit marks LRM, RLM
and ALM, and ZWNJ/ZWJ, are kept because they carry meaning.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BIDI_CONTROLS",
    "KEPT_FORMAT_CHARACTERS",
    "clean_user_text",
    "normalize_text",
]

#: Explicit embeddings/overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS: frozenset[str] = frozenset(
    [chr(c) for c in range(0x202A, 0x202E + 1)] + [chr(c) for c in range(0x2066, 0x2069 + 1)]
)

#: Invisible characters that carry meaning and are always kept: LRM, RLM, ALM, ZWNJ, ZWJ.
KEPT_FORMAT_CHARACTERS: frozenset[str] = frozenset("\u200e\u200f\u061c\u200c\u200d")

# Line separators that become "\n" (besides CR/CRLF): LINE/PARAGRAPH SEPARATOR, NEL,
# vertical tab and form feed.
_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\x0b": "\n", "\x0c": "\n"}

# What is deleted outright: every C0/C1 control except "\n" and "\t" (the tab becomes a
# space), DEL, the byte-order mark / ZWNBSP, and the explicit bidi controls.
_DELETE = dict.fromkeys(
    [chr(i) for i in range(0x20) if chr(i) not in "\n\t"]
    + [chr(0x7F)]
    + [chr(i) for i in range(0x80, 0xA0)]
    + ["\ufeff"]
    + sorted(BIDI_CONTROLS)
)
_TRANSLATE = str.maketrans({**_DELETE, **_LINE_BREAKS, "\t": " "})

# Horizontal white space: every Unicode space separator (general category Zs; the set has
# not changed since Unicode 6.3, and a test checks it against unicodedata).
SPACE_SEPARATORS = (
    "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
_SPACE_CHARS = SPACE_SEPARATORS
_SPACE_RUN = re.compile(f"[{re.escape(_SPACE_CHARS)}\t]{{2,}}")
_SURROGATES = re.compile("[\ud800-\udfff]")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def _strip_spaces(line: str) -> str:
    return line.strip(_SPACE_CHARS)


def normalize_text(text: str) -> str:
    """Return ``text`` in the stored body form.

    Line ends become ``\\n``; BOMs, bidi embedding/override/isolate controls, other control
    characters and lone surrogates are removed (a tab becomes a space); runs of spaces are
    collapsed to one; each line is stripped of surrounding spaces; three or more newlines
    become one blank line; the whole is stripped and put in NFC. Idempotent.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TRANSLATE)
    text = _SURROGATES.sub("", text)
    text = _SPACE_RUN.sub(" ", text)
    text = "\n".join(_strip_spaces(line) for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    text = text.strip("\n")
    return unicodedata.normalize("NFC", text)


def clean_user_text(text: str, *, multiline: bool = True) -> str:
    """Clean text typed by a user (a note, a reply, a label, a name).

    NFC; CRLF/CR become ``\\n``; bidi embedding/override/isolate controls and other control
    characters are removed; newlines are kept only when ``multiline`` (otherwise every line
    break and tab becomes a space); the result is stripped. Spaces are not collapsed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TRANSLATE)
    text = _SURROGATES.sub("", text)
    if not multiline:
        text = text.replace("\n", " ")
    return unicodedata.normalize("NFC", text).strip()
