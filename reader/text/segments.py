"""Flatten overlapping annotation spans into one run of segments.

The renderer cannot nest ``<mark>`` elements arbitrarily (spans overlap, nest and cross
block boundaries), so it draws one flat run: each segment is a maximal piece of text
covered by the same set of annotations, and lists their ids.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

__all__ = ["Segment", "segment_spans", "split_by_ranges"]


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    ids: tuple  # sorted ids of the spans covering [start, end); () for uncovered text


def _sorted_ids(ids: Iterable[Hashable]) -> list:
    """Distinct ids in a stable order: natural order, or by type and repr when mixed."""
    unique = set(ids)
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=lambda i: (type(i).__name__, repr(i)))


def segment_spans(
    length: int,
    spans: Iterable[tuple[Hashable, int, int]],
    *,
    ranges: Iterable[tuple[int, int]] | None = None,
) -> list[Segment]:
    """Tile ``[0, length)`` with segments, each listing the ids of the spans covering it.

    ``spans`` are ``(id, start, end)``; they may overlap, nest, repeat or cross anything.
    They are clipped to ``[0, length)`` and empty ones are ignored; an id given for several
    spans covers their union.  Adjacent segments never have the same ids (they are merged)
    and no segment is empty.

    ``ranges`` (optional, e.g. the blocks' ``(start, end)``) adds cut points: the run is
    also cut at every range start and end, so no segment crosses a range edge.  Only there
    may two adjacent segments have the same ids.

    One sort of the 2n endpoints and a sweep with an active set: O(n log n + output).
    """
    if length < 0:
        raise ValueError("length must be >= 0")
    if length == 0:
        return []

    events: list[tuple[int, int, Hashable]] = []  # (position, +1/-1, id)
    for span_id, start, end in spans:
        start = max(start, 0)
        end = min(end, length)
        if start < end:
            events.append((start, 1, span_id))
            events.append((end, -1, span_id))

    order = _sorted_ids(e[2] for e in events)
    rank = {span_id: i for i, span_id in enumerate(order)}

    cuts: set[int] = set()
    if ranges is not None:
        for start, end in ranges:
            cuts.update(p for p in (start, end) if 0 < p < length)

    events.sort(key=itemgetter(0))
    positions: list[tuple[int, list]] = [
        (pos, [(delta, rank[span_id]) for _, delta, span_id in group])
        for pos, group in groupby(events, key=itemgetter(0))
    ]
    if cuts:
        known = {pos for pos, _ in positions}
        positions.extend((pos, []) for pos in cuts - known)
        positions.sort(key=itemgetter(0))

    counts: dict[int, int] = {}  # rank -> number of active spans with that id
    current: tuple = ()
    seg_start = 0
    out: list[Segment] = []
    for pos, changes in positions:
        if pos >= length:
            break
        changed = False
        for delta, r in changes:
            c = counts.get(r, 0) + delta
            if c:
                counts[r] = c
            else:
                del counts[r]
            if (c == 0 and delta < 0) or (c == 1 and delta > 0):
                changed = True
        if changed:
            new_ids = tuple(order[r] for r in sorted(counts))
            changed = new_ids != current
        if changed or pos in cuts:
            if pos > seg_start:
                out.append(Segment(seg_start, pos, current))
                seg_start = pos
            if changed:
                current = new_ids
    out.append(Segment(seg_start, length, current))
    return out


def split_by_ranges(segments: list[Segment], ranges: list[tuple[int, int]]) -> list[list[Segment]]:
    """Cut a flat run of segments at block edges.

    For each ``(block_start, block_end)`` (sorted, non-overlapping) return the segments
    clipped to it, in order.  Text between blocks (the blank-line separators) is dropped,
    so every block's marks cover only text inside that block.
    """
    starts = [s.start for s in segments]
    out: list[list[Segment]] = []
    for block_start, block_end in ranges:
        pieces: list[Segment] = []
        if block_start < block_end:
            i = max(bisect_right(starts, block_start) - 1, 0)
            while i < len(segments) and segments[i].start < block_end:
                seg = segments[i]
                start = max(seg.start, block_start)
                end = min(seg.end, block_end)
                if start < end:
                    if start == seg.start and end == seg.end:
                        pieces.append(seg)
                    else:
                        pieces.append(Segment(start, end, seg.ids))
                i += 1
        out.append(pieces)
    return out
