"""Search folding for Arabic-script text (and case folding for the rest).

``fold`` makes spelling variants compare equal: harakat and Quranic marks go, tatweel goes,
the alef variants become a bare alef, alef maqsura and Persian yeh become yeh, teh marbuta
becomes heh, Persian keheh becomes kaf.  ``find_folded`` finds a name in a body the way a
reader would: as a whole word, possibly behind the clitics و ف ب ل ك and the article ال,
and returns offsets in the original text that never cut a letter off its harakat.

ZWNJ and ZWJ are kept: they are part of Persian and Urdu spelling.
"""

from __future__ import annotations

import unicodedata

import regex

from .graphemes import snap_to_graphemes

__all__ = ["find_folded", "fold", "fold_with_map", "original_span"]

# Removed: harakat U+064B-U+065F, superscript alef U+0670, Quranic marks U+06D6-U+06ED,
# tatweel U+0640, the bidi marks LRM, RLM and ALM (invisible, no meaning for search), and
# Hebrew points and cantillation (niqqud), which play the same part as harakat.
_REMOVED = (
    [*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640]
    + [0x200E, 0x200F, 0x061C]
    + [*range(0x0591, 0x05BE), 0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7]
)
_REPLACED = {
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0622": "\u0627",  # آ -> ا
    "\u0671": "\u0627",  # ٱ (wasla) -> ا
    "\u0672": "\u0627",  # ٲ -> ا
    "\u0673": "\u0627",  # ٳ -> ا
    "\u0649": "\u064a",  # ى (alef maqsura) -> ي
    "\u06cc": "\u064a",  # ی (Persian yeh) -> ي
    "\u0629": "\u0647",  # ة (teh marbuta) -> ه
    "\u06a9": "\u0643",  # ک (keheh) -> ك
}
_TABLE: dict[int, str | None] = dict.fromkeys(_REMOVED)
_TABLE.update({ord(k): v for k, v in _REPLACED.items()})

# Arabic presentation forms (as found in text copied from PDFs) fold through NFKC.
_PRESENTATION = regex.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFE]")

# "Letter" for whole-word matching: letters and combining marks.
_WORD = r"[\p{L}\p{M}]"
# Proclitics before a name: a conjunction (و ف), then a preposition (ب ك ل) and/or the
# article (ال; ل + ال is written لل).
_PREFIX = (
    "[\u0648\u0641]?(?:[\u0628\u0643]\u0627\u0644|\u0627\u0644|\u0644\u0644|[\u0628\u0643\u0644])?"
)
_AL = "\u0627\u0644"
_JOINERS = "\u200c\u200d"

_char_cache: dict[str, str] = {}


def _fold_char(c: str) -> str:
    folded = _char_cache.get(c)
    if folded is None:
        parts = []
        for d in c.casefold():
            if _PRESENTATION.match(d):
                parts.append(unicodedata.normalize("NFKC", d).casefold().translate(_TABLE))
            else:
                parts.append(d.translate(_TABLE))
        folded = _char_cache[c] = "".join(parts)
    return folded


def fold(text: str) -> str:
    """The search form of ``text`` (idempotent)."""
    if _PRESENTATION.search(text):
        return "".join(map(_fold_char, text))
    return text.casefold().translate(_TABLE)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its code points, the index in ``text`` it came from."""
    parts: list[str] = []
    index_map: list[int] = []
    append, extend = parts.append, index_map.extend
    for i, c in enumerate(text):
        f = _char_cache.get(c)
        if f is None:
            f = _fold_char(c)
        if f:
            append(f)
            if len(f) == 1:
                index_map.append(i)
            else:
                extend([i] * len(f))
    return "".join(parts), index_map


def _removed_mark(c: str) -> bool:
    return not _fold_char(c) and unicodedata.category(c).startswith("M")


def original_span(text: str, index_map: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a non-empty span ``[start, end)`` of the folded text back onto ``text``.

    The end is extended over removed combining marks (harakat) that follow the last
    matched letter, so a highlight never cuts them off.
    """
    o_start = index_map[start]
    o_end = index_map[end - 1] + 1
    n = len(text)
    while o_end < n and _removed_mark(text[o_end]):
        o_end += 1
    return o_start, o_end


def _pattern(folded_query: str, prefixes: bool) -> regex.Pattern | None:
    words = folded_query.split()
    if not words:
        return None
    core = r"\s+".join(regex.escape(w) for w in words)
    if not prefixes:
        body = f"(?P<q>{core})"
    else:
        body = f"{_PREFIX}(?P<q>{core})"
        if words[0].startswith(_AL) and len(words[0]) > len(_AL):
            # لل + the name without its article: للقاهرة for القاهرة.
            rest = r"\s+".join(regex.escape(w) for w in [words[0][len(_AL) :], *words[1:]])
            body = f"(?:{body}|[\u0648\u0641]?\u0644\u0644(?P<r>{rest}))"
    return regex.compile(f"(?<!{_WORD}){body}(?!{_WORD})", flags=regex.VERSION1)


def find_folded(text: str, query: str, *, prefixes: bool = True) -> list[tuple[int, int]]:
    """Original offsets of every whole-word occurrence of ``query`` in ``text``, folded.

    With ``prefixes`` an occurrence may carry the clitics و ف ب ل ك and the article ال
    (وال، بال، فال، لل …) inside the same word; the returned span is the name without them.
    Occurrences do not overlap.  Spans are whole grapheme clusters: a match that would cut
    one (other than by taking in a trailing ZWNJ/ZWJ or removed marks) is skipped.

    The fold of a returned span equals ``fold(query)`` up to whitespace runs and a trailing
    ZWNJ/ZWJ; for a query that starts with ال and was found after لل, without that ال.
    """
    pattern = _pattern(fold(query), prefixes)
    if pattern is None:
        return []
    folded = fold(text)
    matches = list(pattern.finditer(folded))
    if not matches:
        return []
    _, index_map = fold_with_map(text)
    spans: list[tuple[int, int]] = []
    for m in matches:
        group = "q" if m.start("q") >= 0 else "r"
        start, end = original_span(text, index_map, m.start(group), m.end(group))
        s, e = snap_to_graphemes(text, start, end)
        if (s, e) != (start, end) and (fold(text[s:start]) or fold(text[end:e]).strip(_JOINERS)):
            continue  # the match cuts a grapheme cluster (an emoji sequence, a flag ...)
        spans.append((s, e))
    return spans
