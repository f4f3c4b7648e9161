"""Flattening overlapping spans into segments, and cutting them at block edges."""

import random

from hypothesis import given, settings, strategies as st

from reader.text.segments import Segment, segment_spans, split_by_ranges


def test_no_spans_is_one_plain_segment():
    assert segment_spans(10, []) == [Segment(0, 10, ())]
    assert segment_spans(0, [(1, 0, 5)]) == []


def test_overlap_nest_and_identical():
    spans = [(1, 2, 6), (2, 4, 8), (3, 4, 5), (4, 4, 5)]
    assert segment_spans(10, spans) == [
        Segment(0, 2, ()),
        Segment(2, 4, (1,)),
        Segment(4, 5, (1, 2, 3, 4)),
        Segment(5, 6, (1, 2)),
        Segment(6, 8, (2,)),
        Segment(8, 10, ()),
    ]


def test_clipping_and_empty_spans():
    spans = [(1, -5, 3), (2, 8, 50), (3, 4, 4), (4, 6, 2), (5, 20, 30)]
    assert segment_spans(10, spans) == [
        Segment(0, 3, (1,)),
        Segment(3, 8, ()),
        Segment(8, 10, (2,)),
    ]


def test_adjacent_spans_with_the_same_id_merge():
    # One annotation given as two touching pieces, and a repeat of the same span.
    spans = [(7, 0, 3), (7, 3, 6), (8, 2, 4), (8, 2, 4)]
    assert segment_spans(6, spans) == [
        Segment(0, 2, (7,)),
        Segment(2, 4, (7, 8)),
        Segment(4, 6, (7,)),
    ]


def test_one_id_with_disjoint_spans():
    assert segment_spans(6, [("a", 0, 1), ("a", 4, 5)]) == [
        Segment(0, 1, ("a",)),
        Segment(1, 4, ()),
        Segment(4, 5, ("a",)),
        Segment(5, 6, ()),
    ]


def test_ids_sorted_even_when_mixed_types():
    segs = segment_spans(3, [("b", 0, 3), (2, 0, 3), ("a", 0, 3)])
    assert segs == [Segment(0, 3, (2, "a", "b"))]
    assert segment_spans(3, [(5, 0, 3), (1, 0, 3)]) == [Segment(0, 3, (1, 5))]


def test_ranges_add_cut_points():
    # A span that crosses a block edge is cut there, even with the same ids on both sides.
    segs = segment_spans(12, [(1, 2, 10)], ranges=[(0, 5), (7, 12)])
    assert segs == [
        Segment(0, 2, ()),
        Segment(2, 5, (1,)),
        Segment(5, 7, (1,)),
        Segment(7, 10, (1,)),
        Segment(10, 12, ()),
    ]


def test_split_by_ranges_drops_separators():
    body = "أول فقرة\n\nثانية"
    blocks = [(0, 8), (10, 15)]
    segs = segment_spans(len(body), [(1, 4, 13), (2, 0, 3)])
    per_block = split_by_ranges(segs, blocks)
    assert per_block == [
        [Segment(0, 3, (2,)), Segment(3, 4, ()), Segment(4, 8, (1,))],
        [Segment(10, 13, (1,)), Segment(13, 15, ())],
    ]
    for (start, end), pieces in zip(blocks, per_block, strict=True):
        assert "".join(body[s.start : s.end] for s in pieces) == body[start:end]


def test_split_by_ranges_empty_block_and_empty_run():
    segs = segment_spans(5, [(1, 1, 2)])
    assert split_by_ranges(segs, [(2, 2), (0, 1)]) == [[], [Segment(0, 1, ())]]
    assert split_by_ranges([], [(0, 3)]) == [[]]


def brute_force(length, spans):
    cover = [set() for _ in range(length)]
    for span_id, start, end in spans:
        for p in range(max(start, 0), min(end, length)):
            cover[p].add(span_id)
    return [tuple(sorted(c)) for c in cover]


span_lists = st.integers(0, 60).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(0, 12), st.integers(-5, n + 5), st.integers(-5, n + 5)),
            max_size=25,
        ),
    )
)


def check_tiling(length, segs):
    pos = 0
    for seg in segs:
        assert seg.start == pos
        assert seg.end > seg.start
        pos = seg.end
    assert pos == length


@given(span_lists)
@settings(max_examples=300)
def test_segments_match_brute_force(case):
    length, spans = case
    segs = segment_spans(length, spans)
    check_tiling(length, segs)
    for a, b in zip(segs, segs[1:], strict=False):
        assert a.ids != b.ids
    expected = brute_force(length, spans)
    for seg in segs:
        assert seg.ids == tuple(sorted(seg.ids))
        for p in range(seg.start, seg.end):
            assert seg.ids == expected[p]
    # Every span is covered exactly by the segments that list its id.
    for span_id, start, end in spans:
        covered = {p for seg in segs if span_id in seg.ids for p in range(seg.start, seg.end)}
        want = {
            p
            for other_id, s, e in spans
            if other_id == span_id
            for p in range(max(s, 0), min(e, length))
        }
        assert covered == want
        assert set(range(max(start, 0), min(end, length))) <= covered


@given(span_lists, st.data())
@settings(max_examples=200)
def test_ranges_and_split(case, data):
    length, spans = case
    cuts = sorted(data.draw(st.sets(st.integers(0, length), max_size=8)))
    ranges = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    segs = segment_spans(length, spans, ranges=ranges)
    check_tiling(length, segs)
    expected = brute_force(length, spans)
    edges = {p for r in ranges for p in r}
    for a, b in zip(segs, segs[1:], strict=False):
        assert a.ids != b.ids or a.end in edges
    for seg in segs:
        assert not any(seg.start < p < seg.end for p in edges)
        assert all(seg.ids == expected[p] for p in range(seg.start, seg.end))

    plain = segment_spans(length, spans)
    for (start, end), pieces in zip(ranges, split_by_ranges(plain, ranges), strict=True):
        check_tiling(end - start, [Segment(s.start - start, s.end - start, ()) for s in pieces])
        for seg in pieces:
            assert start <= seg.start < seg.end <= end
            assert all(seg.ids == expected[p] for p in range(seg.start, seg.end))


def test_many_spans_sanity():
    rng = random.Random(7)
    length = 20_000
    spans = []
    for i in range(5_000):
        start = rng.randrange(length)
        spans.append((i, start, start + rng.randint(1, 300)))
    segs = segment_spans(length, spans)
    check_tiling(length, segs)
    blocks = [(s, min(s + 400, length)) for s in range(0, length, 402)]
    per_block = split_by_ranges(segs, blocks)
    assert len(per_block) == len(blocks)
    for (start, end), pieces in zip(blocks, per_block, strict=True):
        assert pieces[0].start == start and pieces[-1].end == end
