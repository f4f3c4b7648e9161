"""Reading uploaded or pasted articles: plain text, Markdown and HTML.

The result is plain text in blocks (paragraph, heading, caption, quote) plus whatever
metadata the file carries. Nothing of the markup survives: no tags, scripts, styles or
attributes. Works offline; no Django here.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
from dataclasses import dataclass, field

from .blocks import Block, BlockKind, classify_block, split_blocks
from .language import detect_language, direction_for
from .normalize import normalize_text

__all__ = [
    "ALLOWED_EXTENSIONS",
    "ExtractedDocument",
    "ExtractionError",
    "extract_document",
]

PLAIN_EXTENSIONS = frozenset({".txt", ".text", ""})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
ALLOWED_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm")

#: A first block shorter than this, on one line and not ending like a sentence, becomes the
#: title of a plain-text file; anything else stays in the body.
TITLE_MAX_LENGTH = 160
SENTENCE_END = (".", "!", "?", "؟", "۔", "…", ":", "،", ";", "؛")

#: Share of control bytes (C0 controls other than tab, newline, vertical tab, form feed and
#: carriage return; and DEL) in the first 64 KiB above which the data counts as binary.
CONTROL_BYTES_MAX_SHARE = 0.05

_MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"RIFF", "a media file"),
    (b"\x7fELF", "a program"),
)
_CONTROL_BYTES = frozenset([*range(0x09), *range(0x0E, 0x20), 0x7F])
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

logger = logging.getLogger(__name__)


class ExtractionError(ValueError):
    """A file that cannot be imported. ``code`` is one of: empty, binary, encoding,
    too_large, unsupported_type, no_text."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class ExtractedDocument:
    title: str
    blocks: list[Block] = field(default_factory=list)
    byline: str = ""
    source_name: str = ""
    source_url: str = ""
    published: datetime.date | None = None
    language: str = ""


# --------------------------------------------------------------------------- entry point


def extract_document(
    data: bytes | str, *, filename: str = "", max_bytes: int, title: str = ""
) -> ExtractedDocument:
    """Read an uploaded (bytes) or pasted (str) article into blocks and metadata.

    Raises :class:`ExtractionError` for input that cannot be imported.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ExtractionError(
            f"The file is too large: {_megabytes(size)} MB ({size:,} bytes); "
            f"the limit is {_megabytes(max_bytes)} MB.",
            "too_large",
        )
    extension = os.path.splitext(os.path.basename(filename.strip()).lower())[1]
    if filename and extension not in PLAIN_EXTENSIONS | MARKDOWN_EXTENSIONS | HTML_EXTENSIONS:
        raise ExtractionError(
            f"Unsupported file type {extension or filename!r}: "
            f"use a text (.txt), Markdown (.md) or HTML (.html, .htm) file.",
            "unsupported_type",
        )

    text = _decode(data) if isinstance(data, bytes) else data
    if not normalize_text(text):
        raise ExtractionError("The file is empty: it has no text, only white space.", "empty")

    title = _one_line(title)
    if extension in MARKDOWN_EXTENSIONS:
        document = _markdown_document(text, title)
    elif extension in HTML_EXTENSIONS or (not extension and _looks_like_html(text)):
        document = _html_document(text, title)
    else:
        document = _plain_document(text, title)

    document.blocks = _finish_blocks(document.blocks)
    if not document.blocks:
        raise ExtractionError("No article text was found in the file.", "no_text")
    if document.language:
        # A page template's lang="en" around an Arabic article must not make it left-to-right.
        detected = detect_language("\n".join(block.text for block in document.blocks))
        if detected and direction_for(detected) != direction_for(document.language):
            document.language = ""
    document.title = _one_line(document.title)
    document.byline = _one_line(document.byline)
    document.source_name = _one_line(document.source_name)
    document.source_url = _one_line(document.source_url)
    return document


# --------------------------------------------------------------------------- bytes -> str


def _megabytes(size: int) -> str:
    value = f"{size / (1024 * 1024):.1f}"
    return value[:-2] if value.endswith(".0") else value


def _decode(data: bytes) -> str:
    if not data:
        raise ExtractionError("The file is empty (0 bytes).", "empty")
    for bom in _UTF16_32_BOMS:
        if data.startswith(bom):
            raise ExtractionError(
                "The file is not valid UTF-8: it starts with a UTF-16/UTF-32 byte-order mark "
                "at byte offset 0. Save it as UTF-8 and try again.",
                "encoding",
            )
    for magic, description in _MAGIC_NUMBERS:
        if data.startswith(magic):
            raise ExtractionError(
                f"This is not a text file: it looks like {description}.", "binary"
            )
    if b"\x00" in data:
        raise ExtractionError(
            f"This is not a text file: it contains NUL bytes (first at byte offset "
            f"{data.index(0)}), so it is binary data.",
            "binary",
        )
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if controls > CONTROL_BYTES_MAX_SHARE * len(sample):
        raise ExtractionError(
            f"This is not a text file: {controls} of its first {len(sample)} bytes are "
            f"control characters, so it is binary data.",
            "binary",
        )
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = error.start + offset
        raise ExtractionError(
            f"The file is not valid UTF-8: byte 0x{data[position]:02x} at byte offset "
            f"{position} cannot be decoded. Save it as UTF-8 and try again.",
            "encoding",
        ) from error


# --------------------------------------------------------------------------- helpers


def _one_line(text: str) -> str:
    return " ".join(normalize_text(text or "").split())


def _finish_blocks(blocks: list[Block]) -> list[Block]:
    finished = []
    for block in blocks:
        # A block never holds a blank line: that would split it when the body is re-read.
        text = normalize_text(block.text).replace("\n\n", "\n")
        if text:
            finished.append(Block(str(block.kind), text))
    return finished


def _looks_like_html(text: str) -> bool:
    head = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1).lstrip().lower()
    return head.startswith(("<!doctype html", "<html"))


def _parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", str(value))
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _language_tag(value: str | None) -> str:
    """Canonical case for a BCP 47 tag: "ar_eg" -> "ar-EG", "az-arab" -> "az-Arab"."""
    if not value:
        return ""
    subtags = [part for part in re.split(r"[-_]", value.strip()) if part]
    if not subtags or not re.fullmatch(r"[A-Za-z]{2,8}", subtags[0]):
        return ""
    result = [subtags[0].lower()]
    for part in subtags[1:]:
        if not re.fullmatch(r"[A-Za-z0-9]{1,8}", part):
            break
        if len(part) == 2 and part.isalpha():
            result.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            result.append(part.title())
        else:
            result.append(part.lower())
    return "-".join(result)


# --------------------------------------------------------------------------- plain text


def _plain_document(text: str, title: str) -> ExtractedDocument:
    texts = split_blocks(text)
    blocks = [Block(classify_block(part), part) for part in texts]
    first = texts[0] if texts else ""
    if (
        not title
        and len(blocks) > 1
        and len(first) < TITLE_MAX_LENGTH
        and "\n" not in first
        and not first.rstrip("”\"»’' ").endswith(SENTENCE_END)
    ):
        title = first
        blocks = blocks[1:]
    return ExtractedDocument(title=title, blocks=blocks)


# --------------------------------------------------------------------------- Markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_KEYS = {
    "title": "title",
    "author": "byline",
    "byline": "byline",
    "authors": "byline",
    "source": "source_name",
    "site": "source_name",
    "sitename": "source_name",
    "publisher": "source_name",
    "url": "source_url",
    "source_url": "source_url",
    "link": "source_url",
    "date": "published",
    "published": "published",
    "lang": "language",
    "language": "language",
}
_RAW_HTML_BLOCKS = re.compile(
    r"<(script|style|noscript|template|iframe)\b.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BLOCKQUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+")

_ESCAPABLE = "\\`*_{}[]()#+-.!>~|<\"'"
_ESCAPE = re.compile(r"\\([" + re.escape(_ESCAPABLE) + r"])")
_ESCAPE_BASE = 0x100000  # supplementary private use area B: placeholders for escaped chars
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images are dropped
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref] -> text
    (re.compile(r"<((?:https?|ftp)://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"<([^@>\s]+@[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # raw HTML tags
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # code spans
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strike-through keeps its text
)


def _markdown_inline(text: str) -> str:
    text = _ESCAPE.sub(lambda m: chr(_ESCAPE_BASE + ord(m.group(1))), text)
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return re.sub("[\U00100000-\U0010007f]", lambda m: chr(ord(m.group(0)) - _ESCAPE_BASE), text)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    values: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in _FRONT_MATTER_KEYS:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values.setdefault(_FRONT_MATTER_KEYS[key], value)
    return values, text[match.end() :]


class _MarkdownBlocks:
    """Line-by-line reader of the Markdown subset that articles use."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str, int]] = []  # kind, text, heading level (0 if none)
        self.lines: list[str] = []
        self.kind = ""

    def flush(self) -> None:
        if self.lines:
            if self.kind == "list":
                text = "\n".join(_markdown_inline(line) for line in self.lines)
                self.blocks.append((BlockKind.PARAGRAPH, text, 0))
            elif self.kind == "code":
                self.blocks.append((BlockKind.PARAGRAPH, "\n".join(self.lines), 0))
            else:
                text = _markdown_inline(_join_soft_breaks(self.lines))
                kind = BlockKind.QUOTE if self.kind == "quote" else BlockKind.PARAGRAPH
                self.blocks.append((kind, text, 0))
        self.lines = []
        self.kind = ""

    def add(self, kind: str, line: str) -> None:
        if self.kind != kind:
            self.flush()
            self.kind = kind
        self.lines.append(line)

    def heading(self, level: int, text: str) -> None:
        self.flush()
        self.blocks.append((BlockKind.HEADING, _markdown_inline(text), level))


def _join_soft_breaks(lines: list[str]) -> str:
    """Join wrapped lines with spaces; a hard break (two trailing spaces or a backslash) is
    kept as a newline."""
    out = ""
    for index, line in enumerate(lines):
        hard = line.endswith(("  ", "\\"))
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            stripped = stripped[:-1]
        out += stripped.strip()
        if index < len(lines) - 1:
            out += "\n" if hard else " "
    return out


def _markdown_document(text: str, title: str) -> ExtractedDocument:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    meta, text = _front_matter(text)
    text = _RAW_HTML_BLOCKS.sub("", text)
    reader = _MarkdownBlocks()
    fence = ""
    for line in text.split("\n"):
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
                reader.flush()
            else:
                reader.lines.append(line)
            continue
        if match := _FENCE.match(line):
            reader.flush()
            reader.kind = "code"
            fence = match.group(1)
            continue
        if not line.strip():
            reader.flush()
            continue
        if match := _ATX_HEADING.match(line):
            reader.heading(len(match.group(1)), match.group(2) or "")
            continue
        if (match := _SETEXT_UNDERLINE.match(line)) and reader.kind == "paragraph":
            lines, reader.lines, reader.kind = reader.lines, [], ""
            reader.heading(1 if match.group(1)[0] == "=" else 2, " ".join(lines))
            continue
        if _THEMATIC_BREAK.match(line):
            reader.flush()
            continue
        if match := _BLOCKQUOTE.match(line):
            content = match.group(1)
            if content.strip():
                reader.add("quote", content)
            else:
                reader.flush()
            continue
        if _REFERENCE_DEFINITION.match(line) and reader.kind != "paragraph":
            continue
        if _LIST_ITEM.match(line):
            reader.add("list", line.strip())
            continue
        if reader.kind == "list":  # a lazy continuation of the last item
            reader.lines[-1] += " " + line.strip()
            continue
        if reader.kind == "quote":  # a lazy continuation of the quote
            reader.lines.append(line)
            continue
        reader.add("paragraph", line)
    reader.flush()

    title = title or _one_line(meta.get("title", ""))
    blocks: list[Block] = []
    for kind, block_text, level in reader.blocks:
        if kind == BlockKind.HEADING and level == 1 and not title:
            title = _one_line(block_text)
            if title:
                continue
        if kind == BlockKind.PARAGRAPH:
            kind = classify_block(normalize_text(block_text))
        blocks.append(Block(kind, block_text))
    return ExtractedDocument(
        title=title,
        blocks=blocks,
        byline=meta.get("byline", ""),
        source_name=meta.get("source_name", ""),
        source_url=meta.get("source_url", ""),
        published=_parse_date(meta.get("published")),
        language=_language_tag(meta.get("language")),
    )


# --------------------------------------------------------------------------- HTML

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")

# Elements whose content never becomes text.
_HTML_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
        "canvas", "head", "title", "meta", "link", "button", "select", "input", "textarea",
        "option", "nav", "aside", "footer", "video", "audio", "picture", "img", "map", "dialog",
    }
)  # fmt: skip
_XML_SKIP_TAGS = frozenset({"graphic", "table", "comments", "fw", "note"})

# Elements that make a block of their own; None means "a paragraph, or the enclosing kind".
_HTML_BLOCK_TAGS: dict[str, str | None] = {
    **{f"h{level}": BlockKind.HEADING for level in range(1, 7)},
    "blockquote": BlockKind.QUOTE,
    "figcaption": BlockKind.CAPTION,
    **dict.fromkeys(
        [
            "p", "li", "dt", "dd", "pre", "address", "div", "section", "article", "main",
            "header", "figure", "ul", "ol", "dl", "body", "center", "details", "summary",
            "hgroup", "fieldset", "form", "table", "thead", "tbody", "tfoot", "tr", "td",
            "th", "caption",
        ]
    ),
}  # fmt: skip
# trafilatura's XML: <head> is a heading, <quote> a quotation, <list>/<item> a list.
_XML_BLOCK_TAGS: dict[str, str | None] = {
    "head": BlockKind.HEADING,
    "quote": BlockKind.QUOTE,
    **dict.fromkeys(["p", "list", "item", "div", "body", "main", "doc"]),
}
_BREAK_TAGS = frozenset({"br", "lb"})
_PRESERVE_SPACE_TAGS = frozenset({"pre", "code"})


def _tag(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _space(text: str | None, preserve: bool) -> str:
    if not text:
        return ""
    return text if preserve else _HTML_SPACE.sub(" ", text)


def _html_blocks(root, *, xml: bool = False) -> list[Block]:
    """Plain-text blocks of an element tree: trafilatura's XML (``xml=True``) or HTML."""
    skip_tags = _XML_SKIP_TAGS if xml else _HTML_SKIP_TAGS
    block_tags = _XML_BLOCK_TAGS if xml else _HTML_BLOCK_TAGS
    out: list[Block] = []

    def walk(element, kind: str, preserve: bool) -> None:
        buffer: list[str] = [_space(element.text, preserve)]

        def flush() -> None:
            text = "".join(buffer)
            buffer.clear()
            if text.strip():
                out.append(Block(kind, text))

        for child in element:
            tag = _tag(child)
            if tag and tag not in skip_tags:
                if tag in _BREAK_TAGS:
                    buffer.append("\n")
                elif tag in block_tags:
                    flush()
                    child_kind = block_tags[tag] or kind
                    walk(child, child_kind, preserve or tag in _PRESERVE_SPACE_TAGS)
                else:
                    inline(child, buffer, preserve or tag in _PRESERVE_SPACE_TAGS)
            buffer.append(_space(child.tail, preserve))
        flush()

    def inline(element, buffer: list[str], preserve: bool) -> None:
        buffer.append(_space(element.text, preserve))
        for child in element:
            tag = _tag(child)
            if tag and tag not in skip_tags:
                if tag in _BREAK_TAGS:
                    buffer.append("\n")
                else:
                    if tag in block_tags:
                        buffer.append(" ")
                    inline(child, buffer, preserve or tag in _PRESERVE_SPACE_TAGS)
            buffer.append(_space(child.tail, preserve))

    walk(root, BlockKind.PARAGRAPH, False)
    return out


def _meta_content(tree, *names: str) -> str:
    for name in names:
        for attribute in ("name", "property", "itemprop", "http-equiv"):
            values = tree.xpath(f"//meta[translate(@{attribute}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                                f"'abcdefghijklmnopqrstuvwxyz')='{name}']/@content")  # fmt: skip
            for value in values:
                if value and value.strip():
                    return value.strip()
    return ""


def _html_language(tree) -> str:
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
        tag = _language_tag(root.get(attribute))
        if tag:
            return tag
    return _language_tag(_meta_content(root, "content-language", "og:locale", "language"))


def _fallback_root(tree):
    for path in ("//article", "//main", "//body"):
        found = tree.xpath(path)
        if found:
            return found[0]
    return tree


def _html_document(text: str, title: str) -> ExtractedDocument:
    import lxml.etree
    import lxml.html
    import trafilatura

    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    try:
        tree = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as error:
        raise ExtractionError("The HTML file could not be read.", "no_text") from error

    document = None
    try:
        document = trafilatura.bare_extraction(
            text,
            output_format="python",
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
        )
    except Exception:  # trafilatura is heuristic: any failure means "use the fallback"
        logger.warning(
            "trafilatura failed on an HTML import; using the plain fallback", exc_info=True
        )

    blocks: list[Block] = []
    if document is not None and document.body is not None:
        blocks = _html_blocks(document.body, xml=True)
    if not any(block.text.strip() for block in blocks):
        root = _fallback_root(tree)
        blocks = _html_blocks(root)

    captions = {
        normalize_text(" ".join(caption.text_content().split()))
        for caption in tree.xpath("//figcaption")
    }
    classified = []
    for block in blocks:
        kind = block.kind
        normalized = normalize_text(block.text)
        if normalized in captions:
            kind = BlockKind.CAPTION
        elif kind == BlockKind.PARAGRAPH:
            kind = classify_block(normalized)
        classified.append(Block(kind, block.text))

    def meta(attribute: str) -> str:
        value = getattr(document, attribute, None) if document is not None else None
        return value.strip() if isinstance(value, str) else ""

    if not title:
        title = meta("title") or _one_line(tree.findtext(".//title") or "")
    return ExtractedDocument(
        title=title,
        blocks=classified,
        byline=meta("author") or _meta_content(tree, "author", "article:author", "byl"),
        source_name=meta("sitename") or _meta_content(tree, "og:site_name"),
        source_url=meta("url") or _meta_content(tree, "og:url"),
        published=_parse_date(meta("date"))
        or _parse_date(_meta_content(tree, "article:published_time", "date")),
        language=_html_language(tree),
    )
