"""W3C text selectors and re-anchoring annotations after an edit.

Every annotation keeps a ``TextPositionSelector`` (start, end) and a ``TextQuoteSelector``
(exact, prefix, suffix).  When an article gets a new revision each annotation is looked for
in the new body, in this order:

1. the same position still holds the same text, and the diff maps the start onto itself
   -> ``"exact"``;
2. the start and end mapped through a diff of old -> new body enclose the same text
   -> ``"moved"``;
3. the quote occurs in the new body: the occurrence whose surroundings best match the
   stored prefix/suffix (then the one nearest the mapped position) -> ``"quote"``;
4. a fuzzy match near the mapped position (diff-match-patch bitap, then a similarity check),
   or, when the diff gave up, near a unique occurrence of the stored context -> ``"quote"``,
   widened to whole grapheme clusters.  When step 3 found the quote only with imperfect
   context, a fuzzy match whose surroundings match the context better wins (the passage
   was respelled where it stood and the same words also occur elsewhere);
5. otherwise ``"orphaned"`` with no position.

A result never starts or ends inside a grapheme cluster.  Offsets are code points.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from .graphemes import is_grapheme_boundary, snap_to_graphemes

__all__ = [
    "CONTEXT",
    "EXACT",
    "MOVED",
    "ORPHANED",
    "QUOTE",
    "Reanchored",
    "TextSelector",
    "make_selector",
    "reanchor",
    "reanchor_many",
]

CONTEXT = 32

# Seconds diff_main may spend before settling for a coarser (still valid) diff.
DIFF_TIMEOUT = 0.5
# Bitap settings for the fuzzy step: 0.0 = perfect match only, 1.0 = anything.
MATCH_THRESHOLD = 0.3
# A match this many code points away from the expected place adds 1.0 to its bitap score.
MATCH_DISTANCE = 1000
# Accept a fuzzy match only when it is this similar to the stored quote
# (difflib.SequenceMatcher ratio: 2 * matching / total length).
MIN_SIMILARITY = 0.8
# match_main's bitap works on patterns of at most this many code points.
_MAX_BITS = 32
# How much of the prefix (its end) or suffix (its start) to look for when the diff gives no
# usable position for the fuzzy step.
_CONTEXT_PROBE = 16
# Longer strings get a diff-based ratio instead of SequenceMatcher (quadratic worst case).
_SEQUENCE_MATCHER_LIMIT = 2000

EXACT = "exact"
MOVED = "moved"
QUOTE = "quote"
ORPHANED = "orphaned"

_EQUAL = diff_match_patch.DIFF_EQUAL
_DELETE = diff_match_patch.DIFF_DELETE
_INSERT = diff_match_patch.DIFF_INSERT


@dataclass(frozen=True, slots=True)
class TextSelector:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Reanchored:
    status: str  # "exact" | "moved" | "quote" | "orphaned"
    start: int | None
    end: int | None


_ORPHANED = Reanchored(ORPHANED, None, None)


def make_selector(body: str, start: int, end: int, *, context: int = CONTEXT) -> TextSelector:
    """Both selectors for ``body[start:end]``, with ``context`` code points each side."""
    if not 0 <= start <= end <= len(body):
        raise ValueError(f"span [{start}, {end}) is outside a body of length {len(body)}")
    return TextSelector(
        start=start,
        end=end,
        exact=body[start:end],
        prefix=body[max(0, start - context) : start],
        suffix=body[end : end + context],
    )


def _new_dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    dmp.Match_Threshold = MATCH_THRESHOLD
    dmp.Match_Distance = MATCH_DISTANCE
    return dmp


class _OffsetMap:
    """Maps offsets of the old body onto the new one through a diff, in O(log n) each.

    ``start`` uses the same rule as ``diff_match_patch.diff_xIndex`` (text inserted exactly
    at the offset goes before it); ``end`` leans the other way (text inserted exactly at the
    end of a span stays outside it).  An offset inside deleted text maps to where the
    deletion happened.
    """

    def __init__(self, diffs: list[tuple[int, str]], new_length: int):
        self.new_length = new_length
        self.old_starts: list[int] = []
        self.new_starts: list[int] = []
        self.equal: list[bool] = []
        old = new = 0
        for op, text in diffs:
            if op != _INSERT:
                self.old_starts.append(old)
                self.new_starts.append(new)
                self.equal.append(op == _EQUAL)
                old += len(text)
            if op != _DELETE:
                new += len(text)
        self.old_length = old

    def _at(self, i: int, loc: int) -> int:
        if self.equal[i]:
            return self.new_starts[i] + (loc - self.old_starts[i])
        return self.new_starts[i]

    def start(self, loc: int) -> int:
        loc = max(loc, 0)
        if loc >= self.old_length:
            return self.new_length
        return self._at(bisect_right(self.old_starts, loc) - 1, loc)

    def end(self, loc: int) -> int:
        if loc <= 0 or not self.old_starts:
            return 0
        loc = min(loc, self.old_length)
        i = bisect_left(self.old_starts, loc) - 1
        return self._at(i, loc)


def _diff(old_body: str, new_body: str, dmp: diff_match_patch) -> list[tuple[int, str]]:
    if old_body == new_body:
        return [(_EQUAL, old_body)] if old_body else []
    diffs = dmp.diff_main(old_body, new_body)
    dmp.diff_cleanupSemantic(diffs)
    return diffs


def _grapheme_safe(body: str, start: int, end: int) -> bool:
    return is_grapheme_boundary(body, start) and is_grapheme_boundary(body, end)


def _common_prefix_len(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix_len(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def _similarity(a: str, b: str, dmp: diff_match_patch) -> float:
    """``difflib.SequenceMatcher(None, a, b).ratio()``, bounded in cost for long strings."""
    if not a and not b:
        return 1.0
    if max(len(a), len(b)) <= _SEQUENCE_MATCHER_LIMIT:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    diffs = dmp.diff_main(a, b, False)
    matching = sum(len(text) for op, text in diffs if op == _EQUAL)
    return 2.0 * matching / (len(a) + len(b))


def _context_score(body: str, selector: TextSelector, start: int, end: int) -> int:
    """How many code points of the stored prefix and suffix surround ``[start, end)``."""
    prefix, suffix = selector.prefix, selector.suffix
    score = _common_suffix_len(prefix, body[max(0, start - len(prefix)) : start])
    return score + _common_prefix_len(suffix, body[end : end + len(suffix)])


def _occurrences(body: str, needle: str) -> list[int]:
    found = []
    i = body.find(needle)
    while i >= 0:
        found.append(i)
        i = body.find(needle, i + 1)
    return found


def _by_quote(body: str, selector: TextSelector, hint: int) -> tuple[int, int, int] | None:
    """The occurrence of the quote whose surroundings best match prefix and suffix, then
    the one nearest ``hint``: ``(start, end, context score)``."""
    exact, prefix, suffix = selector.exact, selector.prefix, selector.suffix
    n = len(exact)
    # Fast path: the quote with its whole context is still there.
    full = len(prefix) + len(suffix)
    in_context = [i + len(prefix) for i in _occurrences(body, prefix + exact + suffix)]
    for i in sorted(in_context, key=lambda i: abs(i - hint)):
        if _grapheme_safe(body, i, i + n):
            return i, i + n, full
    ranked = sorted(
        (-_context_score(body, selector, i, i + n), abs(i - hint), i)
        for i in _occurrences(body, exact)
    )
    for neg_score, _, i in ranked:
        if _grapheme_safe(body, i, i + n):
            return i, i + n, -neg_score
    return None


def _context_hints(body: str, selector: TextSelector) -> list[int]:
    """Where the quote would start, judging by a unique occurrence of the end of its prefix
    or of the start of its suffix."""
    hints = []
    tail = selector.prefix[-_CONTEXT_PROBE:]
    if len(tail) >= _CONTEXT_PROBE // 2:
        found = _occurrences(body, tail)
        if len(found) == 1:
            hints.append(found[0] + len(tail))
    head = selector.suffix[:_CONTEXT_PROBE]
    if len(head) >= _CONTEXT_PROBE // 2:
        found = _occurrences(body, head)
        if len(found) == 1:
            hints.append(max(0, found[0] - len(selector.exact)))
    return hints


def _bitap(body: str, pattern: str, loc: int, dmp: diff_match_patch) -> int:
    try:
        return dmp.match_main(body, pattern, loc)
    except ValueError:  # pragma: no cover - pattern longer than Match_MaxBits
        return -1


def _fuzzy(body: str, exact: str, hint: int, dmp: diff_match_patch) -> tuple[int, int] | None:
    """A fuzzy match of ``exact`` near ``hint``, widened to whole grapheme clusters."""
    n = len(exact)
    if n == 0 or not body:
        return None
    if n <= _MAX_BITS:
        loc = _bitap(body, exact, hint, dmp)
        if loc < 0:
            return None
        # Bitap gives only a start: settle the end, then the start, by similarity.
        slack = max(2, int(n * MATCH_THRESHOLD) + 1)
        end = max(
            range(loc + max(1, n - slack), min(len(body), loc + n + slack) + 1),
            key=lambda e: (_similarity(body[loc:e], exact, dmp), -abs(e - loc - n)),
            default=None,
        )
        if end is None:
            return None
        start = max(
            range(max(0, loc - 2), min(end - 1, loc + 2) + 1),
            key=lambda s: (_similarity(body[s:end], exact, dmp), -abs(s - loc)),
        )
        span = (start, end)
    else:
        head, tail = exact[:_MAX_BITS], exact[-_MAX_BITS:]
        head_at = _bitap(body, head, hint, dmp)
        if head_at < 0:
            return None
        tail_at = _bitap(body, tail, head_at + n - _MAX_BITS, dmp)
        if tail_at < head_at:  # not found (-1), or out of order
            return None
        guess = tail_at + _MAX_BITS
        if not (n * 2 // 3 <= guess - head_at <= n * 3 // 2 + 1):
            return None
        # The tail may be off by a few code points: take the end where it fits best.
        ends = range(max(head_at + 1, guess - 3), min(len(body), guess + 3) + 1)
        end = max(
            ends,
            key=lambda e: (
                _similarity(body[max(0, e - _MAX_BITS) : e], tail, dmp),
                -abs(e - guess),
            ),
        )
        span = (head_at, end)
    s, e = span
    if _similarity(body[s:e], exact, dmp) < MIN_SIMILARITY:
        return None
    return snap_to_graphemes(body, s, e)


def _reanchor(
    new_body: str, selector: TextSelector, offsets: _OffsetMap, dmp: diff_match_patch
) -> Reanchored:
    start, end, exact = selector.start, selector.end, selector.exact
    if not 0 <= start <= end:  # nonsense positions (e.g. from an import): trust the quote only
        start = end = max(0, min(start, end))
    s = offsets.start(start)
    e = max(offsets.end(end), s)

    # (1) the same place holds the same text, and the diff agrees that nothing before it
    # moved.
    if s == start and new_body[start:end] == exact and _grapheme_safe(new_body, start, end):
        return Reanchored(EXACT, start, end)
    # (2) the diff mapping encloses the same text.
    if new_body[s:e] == exact and _grapheme_safe(new_body, s, e):
        return Reanchored(EXACT if s == start else MOVED, s, e)
    if not exact:
        s = snap_to_graphemes(new_body, s, s)[0]
        return Reanchored(EXACT if s == start else MOVED, s, s)

    # (3) the quote itself, disambiguated by its context.
    quoted = _by_quote(new_body, selector, s)
    if quoted is not None and quoted[2] == len(selector.prefix) + len(selector.suffix):
        return Reanchored(QUOTE, quoted[0], quoted[1])

    # (4) a fuzzy match near the mapped position; it wins over an exact quote found
    # elsewhere only when its surroundings match the stored context better (the quoted
    # text was edited where it stood, and the same words occur elsewhere).
    fuzzy = _fuzzy(new_body, exact, s, dmp)
    if fuzzy is None:
        # The diff may have given up (a long body rewritten all over): look near where the
        # stored context still stands.
        for hint in _context_hints(new_body, selector):
            if abs(hint - s) > MATCH_DISTANCE * MATCH_THRESHOLD:
                fuzzy = _fuzzy(new_body, exact, hint, dmp)
                if fuzzy is not None:
                    break
    if fuzzy is not None and (
        quoted is None or _context_score(new_body, selector, *fuzzy) > quoted[2]
    ):
        return Reanchored(QUOTE, *fuzzy)
    if quoted is not None:
        return Reanchored(QUOTE, quoted[0], quoted[1])
    return _ORPHANED


def reanchor(old_body: str, new_body: str, selector: TextSelector) -> Reanchored:
    """Find ``selector`` (made on ``old_body``) in ``new_body``."""
    return reanchor_many(old_body, new_body, [selector])[0]


def reanchor_many(old_body: str, new_body: str, selectors: list[TextSelector]) -> list[Reanchored]:
    """Re-anchor every selector, computing the old -> new diff only once."""
    if not selectors:
        return []
    dmp = _new_dmp()
    offsets = _OffsetMap(_diff(old_body, new_body, dmp), len(new_body))
    return [_reanchor(new_body, sel, offsets, dmp) for sel in selectors]
