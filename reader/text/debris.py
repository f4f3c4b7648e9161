"""Removal of scraping debris from imported articles.

The rules are data: a list of :class:`Rule` that a team owner can extend. Every removal is
reported as a :class:`Removal` so that the import can show it and undo it.

Rule kinds:

- ``line``: removes every block whose text fully matches ``pattern``, wherever it is;
- ``leading``: removes matching blocks only while they are at the start of the body;
- ``trailing``: removes matching blocks at the end of the body, from the end backwards;
- ``repeated_title``: removes a block at the start of the body that repeats the title.

Patterns are regular expressions (the ``regex`` module, a superset of ``re``) full-matched,
case-insensitively, against a block's text after NFC and white-space collapsing. A block also
counts as matching when its text without Arabic harakat and tatweel matches, so a rule
written without diacritics catches the diacritised variants.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import regex

from .blocks import Block

__all__ = [
    "DEFAULT_RULES",
    "RULE_KINDS",
    "Removal",
    "Rule",
    "clean_blocks",
    "title_key",
]

RULE_KINDS = ("line", "leading", "trailing", "repeated_title")

#: Seconds a single pattern may run on one block before it counts as "no match".
MATCH_TIMEOUT = 0.25


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> regex.Pattern:
    return regex.compile(pattern, regex.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # "line" | "leading" | "trailing" | "repeated_title"
    pattern: str = ""  # a regex, full-matched against a block's stripped text (case-insensitive)
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("A rule needs a name.")
        if self.kind not in RULE_KINDS:
            raise ValueError(
                f"Unknown rule kind {self.kind!r}: use one of {', '.join(RULE_KINDS)}."
            )
        if self.kind != "repeated_title":
            if not self.pattern:
                raise ValueError(f"Rule {self.name!r} needs a pattern.")
            try:
                _compile(self.pattern)
            except regex.error as error:
                raise ValueError(f"Rule {self.name!r} has an invalid pattern: {error}") from error


@dataclass(frozen=True)
class Removal:
    rule: str
    text: str
    index: int  # index in the KEPT block list before which the removed block stood


_AD = (
    r"\[\s*ad(?:[\s_#-]*\d+)?\s*\]"  # [ad_1], [ad_2], [ad], [ad 3]
    r"|[-–—\s]*advertisements?[-–—\s]*"
    r"|advertisement\s*[-–—:]\s*scroll to continue"
    r"|[-–—\s]*(?:إعلان|اعلان|إعلانات|اعلانات|تبلیغات|آگهی|اشتہار|פרסומת)[-–—\s]*"
)
_PROMO = (
    r"[اأإآ]فتح\s+ملخص\s+المحرر\s+مجان[\u064b]?ا[\u064b]?\s*[.!]?"
    r"|unlock\s+the\s+editor[’'`]?s\s+digest\s+for\s+free\s*[.!]?"
)
_SOURCE = r"(?:المصدر|المصادر|source|sources|منبع|منابع|ماخذ|מקור|מקורות)\s*[:：]?"

DEFAULT_RULES: list[Rule] = [
    Rule(
        name="ad_marker",
        kind="line",
        pattern=_AD,
        description='Advertisement placeholders: "[ad_1]", "ADVERTISEMENT", "إعلان".',
    ),
    Rule(
        name="promo_line",
        kind="line",
        pattern=_PROMO,
        description='Promotional lines: "افتح ملخص المحرر مجانًا", "Unlock the Editor\'s Digest for free".',
    ),
    Rule(
        name="source_label",
        kind="trailing",
        pattern=_SOURCE,
        description='A bare source label at the end: "المصدر", "Source:", "منبع", "מקור".',
    ),
    Rule(
        name="repeated_title",
        kind="repeated_title",
        description="The title repeated as the first line of the body.",
    ),
]

_HARAKAT_AND_TATWEEL = dict.fromkeys(
    [*range(0x064B, 0x0660), 0x0670, 0x0640, *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9)]
)
_WHITESPACE = regex.compile(r"\s+")
_TRAILING_PUNCTUATION = regex.compile(r"[\p{P}\s]+$")


def _probe(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _matches(rule: Rule, text: str) -> bool:
    pattern = _compile(rule.pattern)
    probe = _probe(text)
    candidates = [probe]
    bare = probe.translate(_HARAKAT_AND_TATWEEL)
    if bare != probe:
        candidates.append(bare)
    for candidate in candidates:
        try:
            if pattern.fullmatch(candidate, timeout=MATCH_TIMEOUT):
                return True
        except TimeoutError:
            continue
    return False


def title_key(text: str) -> str:
    """The form in which a block is compared with the title: NFC, white space collapsed,
    trailing punctuation stripped, case-folded."""
    return _TRAILING_PUNCTUATION.sub("", _probe(text)).casefold()


def clean_blocks(
    blocks: list[Block], *, title: str, rules: list[Rule]
) -> tuple[list[Block], list[Removal]]:
    """Remove debris blocks; return the kept blocks and the removals in body order.

    ``Removal.index`` is the position in the kept list before which the removed block stood,
    so inserting removals back in order (each at its index plus the number already
    re-inserted with the same index) restores the original list.
    """
    removed: dict[int, str] = {}
    line_rules = [rule for rule in rules if rule.kind == "line"]
    leading_rules = [rule for rule in rules if rule.kind in ("leading", "repeated_title")]
    trailing_rules = [rule for rule in rules if rule.kind == "trailing"]
    wanted_title = title_key(title) if title.strip() else ""

    for index, block in enumerate(blocks):
        for rule in line_rules:
            if _matches(rule, block.text):
                removed[index] = rule.name
                break

    for index, block in enumerate(blocks):
        if index in removed:
            continue
        name = None
        for rule in leading_rules:
            if rule.kind == "repeated_title":
                if wanted_title and title_key(block.text) == wanted_title:
                    name = rule.name
                    break
            elif _matches(rule, block.text):
                name = rule.name
                break
        if name is None:
            break
        removed[index] = name

    for index in range(len(blocks) - 1, -1, -1):
        if index in removed:
            continue
        name = next(
            (rule.name for rule in trailing_rules if _matches(rule, blocks[index].text)), None
        )
        if name is None:
            break
        removed[index] = name

    kept: list[Block] = []
    removals: list[Removal] = []
    for index, block in enumerate(blocks):
        if index in removed:
            removals.append(Removal(rule=removed[index], text=block.text, index=len(kept)))
        else:
            kept.append(block)
    return kept, removals
