"""Server-side rendering of an article body: blocks with their offsets, highlight segments."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text.segments import segment_spans, split_by_ranges

BLOCK_TAGS = {"paragraph": "p", "heading": "h2", "caption": "p", "quote": "blockquote"}


def render_body(
    body: str,
    blocks: list[list],
    spans: Iterable[tuple[int, int, int]] = (),
    *,
    colours: dict[int, str] | None = None,
) -> SafeString:
    """HTML for the article body: one element per block, ``<mark>`` per highlight segment.

    ``blocks`` are ``[start, end, kind]``; ``spans`` are ``(annotation_id, start, end)``.
    Every piece of article text passes through ``escape``; the element's text content is
    exactly ``body[start:end]`` (no whitespace is added inside a block).
    """
    colours = colours or {}
    ranges = [(start, end) for start, end, _kind in blocks]
    segments = segment_spans(len(body), spans)
    per_block = split_by_ranges(segments, ranges)
    parts: list[str] = []
    for (start, end, kind), block_segments in zip(blocks, per_block, strict=True):
        tag = BLOCK_TAGS.get(kind, "p")
        parts.append(f'<{tag} data-kind="{kind}" data-start="{start}" data-end="{end}">')
        for seg in block_segments:
            text = escape(body[seg.start : seg.end])
            if not seg.ids:
                parts.append(text)
                continue
            ids = " ".join(str(i) for i in seg.ids)
            style = ""
            colour = colours.get(seg.ids[0])
            if colour:
                style = f' style="--mark-bg: {escape(colour)}"'
            overlap = ' class="is-overlap"' if len(seg.ids) > 1 else ""
            parts.append(f'<mark data-annotation-ids="{ids}"{overlap}{style}>{text}</mark>')
        parts.append(f"</{tag}>\n")
    return mark_safe("".join(parts))
