"""Blocks of an article body: paragraphs, headings, captions and quotes.

A body is the block texts joined by one blank line; each block's span is a half-open range
of code-point offsets into the body (DESIGN.md, "The text model").
"""

from __future__ import annotations

import enum
import re
import typing

from .normalize import normalize_text

__all__ = [
    "CAPTION_MARKERS",
    "CAPTION_MAX_LENGTH",
    "QUOTE_PAIRS",
    "Block",
    "BlockKind",
    "classify_block",
    "join_blocks",
    "split_blocks",
]


class BlockKind(enum.StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    CAPTION = "caption"
    QUOTE = "quote"


class Block(typing.NamedTuple):
    """One block of an article body: its kind (a :class:`BlockKind` value) and text."""

    kind: str
    text: str


BLOCK_SEPARATOR = "\n\n"

#: A caption is shorter than this (in code points).
CAPTION_MAX_LENGTH = 300

#: Photo credits and image captions: regular expressions searched (case-insensitively) in a
#: block's text with white space collapsed and spaces around "/" and "|" made single. A
#: block that contains "©" is also a caption. Extend the list, not the code.
CAPTION_MARKERS: tuple[str, ...] = (
    # labels at the start
    r"^(photo|photograph|picture|image|credit|photo credit|image credit|caption|foto)\s*:",
    r"^(photo|picture|image) by\b",
    r"^(ال)?صورة\s*:",
    r"^(ال)?تصوير\s*:",
    r"^(عکس|تصویر|عكس)\s*:",
    r"^צילום\s*:",
    # credits at the end
    r"\((getty images|afp|reuters|ap photo|epa|anadolu|xinhua|shutterstock)[^()]*\)\s*\.?$",
    r"via getty images\)?\s*\.?$",
    r"[/|] (afp|reuters|ap|epa|getty images|pool|anadolu|xinhua|shutterstock|sipa|wana|"
    r"رويترز|فرانس برس|أ ف ب|أ\.ف\.ب|الأناضول|أسوشيتد برس|ايرنا|إرنا)\s*\.?\)?$",
    r"\((تصوير|صورة|الصورة|عکس|تصویر|צילום)\b[^()]*\)\s*\.?$",
    r"[-–—] ?(تصوير|عکس|צילום)\b[^-–—]*$",
)
_CAPTION_RES = tuple(re.compile(p, re.IGNORECASE) for p in CAPTION_MARKERS)
_SLASH_SPACING = re.compile(r"\s*([/|])\s*")
_WHITESPACE = re.compile(r"\s+")

#: Opening quotation mark -> the closing marks that may end a quote block.
QUOTE_PAIRS: dict[str, tuple[str, ...]] = {
    "\u201c": ("\u201d",),  # “ … ”
    "\u00ab": ("\u00bb",),  # « … »
    '"': ('"',),
    "\u201e": ("\u201c", "\u201d"),  # „ … “ (German) or „ … ” (Polish)
    "\u2039": ("\u203a",),  # ‹ … ›
}
_QUOTE_TRAILERS = ("", ".", "\u060c")  # nothing, full stop, Arabic comma


def split_blocks(text: str) -> list[str]:
    """Split text on blank lines (after normalising it); empty blocks are dropped.

    A block keeps its single internal newlines.
    """
    return [block for block in normalize_text(text).split(BLOCK_SEPARATOR) if block.strip()]


def _is_caption(text: str) -> bool:
    if len(text) >= CAPTION_MAX_LENGTH:
        return False
    if "\u00a9" in text:
        return True
    probe = _SLASH_SPACING.sub(r" \1 ", _WHITESPACE.sub(" ", text)).strip()
    return any(pattern.search(probe) for pattern in _CAPTION_RES)


def _is_quote(text: str) -> bool:
    if len(text) < 2:
        return False
    opening = text[0]
    closings = QUOTE_PAIRS.get(opening)
    if closings is None:
        return False
    for trailer in _QUOTE_TRAILERS:
        if trailer and not text.endswith(trailer):
            continue
        inner = text[: len(text) - len(trailer)] if trailer else text
        if len(inner) >= 2 and inner[-1] in closings:
            if opening in closings:  # the same mark opens and closes: exactly one pair
                return text.count(opening) == 2
            return text.count(opening) == 1
    return False


def classify_block(text: str) -> str:
    """Return the kind of a plain-text block: caption, quote or paragraph.

    Headings come from markup only; they are never guessed from plain text.
    """
    text = text.strip()
    if _is_caption(text):
        return BlockKind.CAPTION
    if _is_quote(text):
        return BlockKind.QUOTE
    return BlockKind.PARAGRAPH


def join_blocks(blocks: list[Block]) -> tuple[str, list[tuple[int, int, str]]]:
    """Join blocks into a body; return it with each block's ``(start, end, kind)`` span.

    Offsets are Python code points, half-open: ``body[start:end] == block.text``.
    """
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for index, block in enumerate(blocks):
        if index:
            parts.append(BLOCK_SEPARATOR)
            offset += len(BLOCK_SEPARATOR)
        parts.append(block.text)
        spans.append((offset, offset + len(block.text), str(block.kind)))
        offset += len(block.text)
    return "".join(parts), spans
