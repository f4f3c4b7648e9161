"""Search across the articles and entities a user can see, with Arabic folding."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from .access import visible_articles, visible_teams
from .models import Article, Entity
from .text.folding import fold, fold_with_map, original_span
from .text.normalize import clean_user_text

SNIPPET = 70


@dataclass
class Snippet:
    before: str
    hit: str
    after: str


def search_articles(user, query: str):
    folded = fold(clean_user_text(query or "", multiline=False))
    if len(folded.strip()) < 2:
        return Article.objects.none(), folded
    articles = (
        visible_articles(user)
        .filter(Q(current_revision__folded__contains=folded) | Q(title__icontains=query.strip()))
        .select_related("team", "current_revision")
        .defer("current_revision__folded", "current_revision__blocks", "current_revision__removals")
        .order_by("-created", "-id")
    )
    return articles, folded


def snippet(body: str, folded_query: str) -> Snippet | None:
    folded, index_map = fold_with_map(body)
    at = folded.find(folded_query)
    if at < 0:
        return None
    start, end = original_span(body, index_map, at, at + len(folded_query))
    before = body[max(0, start - SNIPPET) : start].replace("\n\n", " ¶ ")
    after = body[end : end + SNIPPET].replace("\n\n", " ¶ ")
    return Snippet(("…" if start > SNIPPET else "") + before, body[start:end], after + "…")


def search_entities(user, folded_query: str, *, limit: int = 10):
    if len(folded_query.strip()) < 2:
        return []
    return list(
        Entity.objects.filter(team__in=visible_teams(user), search_key__contains=folded_query)
        .select_related("type", "team")
        .order_by("name")[:limit]
    )
