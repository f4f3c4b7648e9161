"""Writes that touch several rows. Keyword-only, typed, atomic where needed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .annotations import ReanchorReport, reanchor_article
from .models import Article, DebrisRule, Membership, Revision, Role, Team
from .text.blocks import Block, classify_block, join_blocks, split_blocks
from .text.debris import DEFAULT_RULES, Removal, Rule, clean_blocks
from .text.extract import ExtractedDocument
from .text.folding import fold
from .text.language import detect_language, direction_for
from .text.normalize import clean_user_text, normalize_text


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def web_url(value: str) -> str:
    """``value`` if it is an http(s) address, else "" (a ``javascript:`` link from a
    scraped page must never become an ``href``)."""
    value = (value or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value


def word_count(body: str) -> int:
    return len(body.split())


def debris_rules_for(team: Team) -> list[Rule]:
    """The built-in rules, then the team's own; a team row named like a built-in replaces it
    (or, disabled, switches it off)."""
    rules: dict[str, Rule | None] = {rule.name: rule for rule in DEFAULT_RULES}
    for row in DebrisRule.objects.filter(team=team).order_by("name"):
        rules[row.name] = (
            Rule(name=row.name, kind=row.kind, pattern=row.pattern, description=row.description)
            if row.enabled
            else None
        )
    return [rule for rule in rules.values() if rule is not None]


@dataclass
class ImportResult:
    article: Article
    created: bool
    removals: list[Removal] = field(default_factory=list)
    duplicate_reason: str = ""


def _find_duplicate(team: Team, *, source_url: str, sha: str) -> tuple[Article | None, str]:
    if source_url:
        found = Article.objects.filter(team=team, source_url=source_url).first()
        if found:
            return found, "source_url"
    found = (
        Article.objects.filter(team=team, current_revision__body_sha256=sha).first()
        or Article.objects.filter(team=team, revisions__body_sha256=sha).distinct().first()
    )
    return found, ("body" if found else "")


@transaction.atomic
def article_import(
    *,
    team: Team,
    user,
    document: ExtractedDocument,
    language: str = "",
    title: str = "",
) -> ImportResult:
    """Clean an extracted document and store it as a new article with its first revision.

    Importing the same article twice (same source URL or same cleaned body in the team)
    creates nothing and returns the existing article with ``created=False``.
    """
    title = clean_user_text(title or document.title, multiline=False)
    blocks, removals = clean_blocks(document.blocks, title=title, rules=debris_rules_for(team))
    if not blocks:
        raise ValidationError(_("Nothing is left to import after cleaning."), code="no_text")
    body, spans = join_blocks(blocks)
    if not title:
        first = blocks[0].text.split("\n", 1)[0]
        title = first[:120] + ("…" if len(first) > 120 else "")
    sha = body_hash(body)
    source_url = web_url(document.source_url)
    existing, reason = _find_duplicate(team, source_url=source_url, sha=sha)
    if existing:
        return ImportResult(article=existing, created=False, duplicate_reason=reason)
    language = (language or document.language or detect_language(body)).strip()
    article = Article(
        team=team,
        title=title[:500],
        byline=clean_user_text(document.byline, multiline=False)[:300],
        source_name=clean_user_text(document.source_name, multiline=False)[:200],
        source_url=source_url[:1000],
        published=document.published,
        language=language,
        direction=direction_for(language, body),
        created_by=user,
    )
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:  # a concurrent import of the same URL won the race
        existing, reason = _find_duplicate(team, source_url=source_url, sha=sha)
        if existing is None:
            raise
        return ImportResult(article=existing, created=False, duplicate_reason=reason)
    revision = Revision.objects.create(
        article=article,
        number=1,
        body=body,
        blocks=[list(s) for s in spans],
        body_sha256=sha,
        word_count=word_count(body),
        folded=fold(body),
        removals=[
            {"rule": r.rule, "text": r.text, "index": r.index, "restored": False} for r in removals
        ],
        summary=_("Imported"),
        created_by=user,
    )
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    return ImportResult(article=article, created=True, removals=removals)


def blocks_from_editor_text(text: str, *, previous: Revision | None) -> list[Block]:
    """Parse the edit page's text: blocks separated by a blank line; ``## `` marks a heading,
    ``> `` a quote. Unchanged blocks keep their kind; new ones are classified."""
    old_kinds: dict[str, str] = {}
    if previous is not None:
        for start, end, kind in previous.blocks:
            old_kinds.setdefault(previous.body[start:end], kind)
    blocks = []
    for raw in split_blocks(normalize_text(text)):
        if raw.startswith(("## ", "# ")):
            blocks.append(Block("heading", raw.split(" ", 1)[1].strip()))
        elif raw.startswith("> "):
            lines = [line[2:] if line.startswith("> ") else line for line in raw.split("\n")]
            blocks.append(Block("quote", "\n".join(lines).strip()))
        else:
            blocks.append(Block(old_kinds.get(raw) or classify_block(raw), raw))
    return [b for b in blocks if b.text]


def editor_text_for(revision: Revision) -> str:
    parts = []
    for start, end, kind in revision.blocks:
        text = revision.body[start:end]
        if kind == "heading":
            text = "## " + text
        elif kind == "quote":
            text = "\n".join("> " + line for line in text.split("\n"))
        parts.append(text)
    return "\n\n".join(parts)


@transaction.atomic
def article_revise(
    *,
    article: Article,
    user,
    blocks: list[Block],
    summary: str = "",
    base_revision: int | None = None,
) -> tuple[Revision | None, ReanchorReport]:
    """Store ``blocks`` as the article's new current revision and re-anchor its annotations.

    Returns ``(None, empty report)`` when nothing changed. Locks the article row so two
    concurrent edits get consecutive numbers.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    current = article.current_revision
    if base_revision is not None and current is not None and current.number != base_revision:
        raise ValidationError(
            _(
                "Someone saved revision %(n)s while you were editing revision %(base)s, so "
                "your text was not saved. It is still in the form: compare it with the "
                "current version and save again."
            )
            % {"n": current.number, "base": base_revision},
            code="stale_revision",
        )
    body, spans = join_blocks(blocks)
    if not body:
        raise ValidationError(_("The article body cannot be empty."), code="empty")
    spans_list = [list(s) for s in spans]
    if current is not None and current.body == body and current.blocks == spans_list:
        return None, ReanchorReport()
    number = (current.number if current else 0) + 1
    revision = Revision.objects.create(
        article=article,
        number=number,
        body=body,
        blocks=spans_list,
        body_sha256=body_hash(body),
        word_count=word_count(body),
        folded=fold(body),
        summary=clean_user_text(summary, multiline=False)[:300],
        created_by=user,
    )
    article.current_revision = revision
    article.save(update_fields=["current_revision", "modified"])
    report = ReanchorReport()
    if current is not None:
        report = reanchor_article(old=current, new=revision, actor=user)
    return revision, report


@transaction.atomic
def removal_restore(*, article: Article, user, index: int) -> tuple[Revision, ReanchorReport]:
    """Put back a block that import cleaning removed, as a new revision."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    first = article.revisions.get(number=1)
    try:
        removal = first.removals[index]
    except (IndexError, TypeError):
        raise ValidationError(_("There is no such removal."), code="not_found") from None
    if removal.get("restored"):
        raise ValidationError(_("That text has already been put back."), code="restored")
    current = article.current_revision
    blocks = [Block(kind, current.body[s:e]) for s, e, kind in current.blocks]
    text = removal["text"]
    # Each removal's index counts kept blocks only: blocks already put back before it
    # shift it by one each.
    restored_before = sum(
        1
        for other_index, other in enumerate(first.removals)
        if other.get("restored") and (other["index"], other_index) <= (removal["index"], index)
    )
    position = min(int(removal["index"]) + restored_before, len(blocks))
    blocks.insert(position, Block(classify_block(text), text))
    revision, report = article_revise(
        article=article, user=user, blocks=blocks, summary=_("Restored removed text")
    )
    first.removals[index] = {**removal, "restored": True}
    first.save(update_fields=["removals"])
    return revision, report


def membership_add(*, team: Team, username: str, role: str) -> Membership:
    User = get_user_model()
    try:
        user = User.objects.get(username=username.strip(), is_active=True)
    except User.DoesNotExist:
        raise ValidationError(
            _("There is no active user named “%(name)s”."),
            code="unknown_user",
            params={"name": username},
        ) from None
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="bad_role")
    membership, created = Membership.objects.get_or_create(
        user=user, team=team, defaults={"role": role}
    )
    if not created:
        raise ValidationError(
            _("%(name)s is already a member of this team."),
            code="already_member",
            params={"name": user.username},
        )
    return membership
