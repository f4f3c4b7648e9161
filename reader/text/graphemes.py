"""Extended grapheme clusters (UAX #29) over code-point offsets.

A span of an annotation never starts or ends inside a cluster: a letter and its harakat, an
emoji ZWJ sequence, a flag, a Hangul syllable built from jamo.  The stdlib ``re`` module has
no ``\\X``; the ``regex`` module implements UAX #29 and carries the Grapheme_Cluster_Break
property that the fast local checks below use.

Offsets are Python ``str`` indices (code points), half-open, logical order.
"""

from __future__ import annotations

import regex

__all__ = [
    "grapheme_boundaries",
    "is_grapheme_boundary",
    "next_boundary",
    "previous_boundary",
    "snap_to_graphemes",
]

_CLUSTER = regex.compile(r"\X", flags=regex.VERSION1)

# A position between two code points is certainly a cluster boundary when the code point
# on its left has Grapheme_Cluster_Break=Other and the one on its right is none of Extend,
# ZWJ or SpacingMark.  Every UAX #29 rule that forbids a break (GB3, GB6-GB8, GB9, GB9a,
# GB9b, GB9c, GB11, GB12/GB13) needs either a left code point that is not "Other" (CR, L,
# V, LV, LVT, T, Prepend, an Extend linker, ZWJ, Regional_Indicator) or a right code point
# that is Extend, ZWJ or SpacingMark.  Letters of most scripts (Latin, Arabic, Hebrew, CJK)
# and the space are "Other", so nearly every position in running text qualifies, and the
# rules that look further back (emoji sequences, flag pairs, Indic conjuncts) cannot reach
# across such a position.  After "\n" there is always a break (GB4).
_SAFE_PAIR = regex.compile(
    r"\p{GCB=Other}(?![\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}])", flags=regex.VERSION1
)

# How far back to look for a safe position before falling back to the last line break.
_MAX_LOOKBACK = 128


def _is_safe(text: str, index: int) -> bool:
    """True when ``index`` is certainly a boundary without looking at any other context."""
    if index <= 0 or index >= len(text):
        return index == 0 or index == len(text)
    if text[index - 1] == "\n":
        return True
    return _SAFE_PAIR.match(text, index - 1) is not None


def _safe_start(text: str, index: int) -> int:
    """A position <= ``index`` that is certainly a boundary, close to ``index``."""
    stop = max(0, index - _MAX_LOOKBACK)
    j = index
    while j > stop:
        if _is_safe(text, j):
            return j
        j -= 1
    if stop == 0:
        return 0
    # A long run of combining marks, emoji or flags: the last line break is a boundary.
    return text.rfind("\n", 0, index) + 1


def grapheme_boundaries(text: str) -> list[int]:
    """Every cluster boundary of ``text``, sorted, including 0 and ``len(text)``."""
    bounds = [0]
    bounds.extend(m.end() for m in _CLUSTER.finditer(text))
    return bounds


def is_grapheme_boundary(text: str, index: int) -> bool:
    """Whether ``index`` is a cluster boundary (0 and ``len(text)`` are; out of range is not).

    Scans only from a nearby position known to be a boundary, so it stays cheap on a long
    body.
    """
    n = len(text)
    if index < 0 or index > n:
        return False
    if _is_safe(text, index):
        return True
    for m in _CLUSTER.finditer(text, _safe_start(text, index)):
        end = m.end()
        if end >= index:
            return end == index
    return False  # pragma: no cover - the loop always reaches len(text)


def previous_boundary(text: str, index: int) -> int:
    """The greatest boundary <= ``index`` (``index`` is clamped to ``[0, len(text)]``)."""
    index = min(max(index, 0), len(text))
    if _is_safe(text, index):
        return index
    best = start = _safe_start(text, index)
    for m in _CLUSTER.finditer(text, start):
        end = m.end()
        if end > index:
            break
        best = end
    return best


def next_boundary(text: str, index: int) -> int:
    """The least boundary >= ``index`` (``index`` is clamped to ``[0, len(text)]``)."""
    index = min(max(index, 0), len(text))
    if _is_safe(text, index):
        return index
    for m in _CLUSTER.finditer(text, _safe_start(text, index)):
        end = m.end()
        if end >= index:
            return end
    return len(text)  # pragma: no cover - the loop always reaches len(text)


def snap_to_graphemes(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole clusters: ``start`` moves back, ``end`` forward.

    Offsets are clamped to ``[0, len(text)]``; an ``end`` before ``start`` is treated as
    ``start`` (an empty span inside a cluster widens to that cluster).
    """
    n = len(text)
    start = min(max(start, 0), n)
    end = min(max(end, start), n)
    return previous_boundary(text, start), next_boundary(text, end)
