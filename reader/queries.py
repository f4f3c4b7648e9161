"""Reads used in more than one place, with their joins done once."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .access import visible_articles
from .models import Article, Membership, Team


def library_articles(user, *, team_slug: str = "", language: str = "") -> QuerySet[Article]:
    articles = (
        visible_articles(user)
        .select_related("team", "current_revision")
        .defer(
            "current_revision__body",
            "current_revision__blocks",
            "current_revision__removals",
        )
        .order_by("-created", "-id")
    )
    if team_slug:
        articles = articles.filter(team__slug=team_slug)
    if language:
        articles = articles.filter(language=language)
    return articles


def library_languages(user) -> list[str]:
    return list(
        visible_articles(user)
        .exclude(language="")
        .order_by("language")
        .values_list("language", flat=True)
        .distinct()
    )


def team_members(team: Team) -> QuerySet[Membership]:
    return team.memberships.select_related("user").order_by("user__username")


def teams_with_counts(user) -> QuerySet[Team]:
    return (
        Team.objects.filter(memberships__user=user)
        .annotate(
            member_count=Count("memberships", distinct=True),
            article_count=Count("articles", distinct=True),
        )
        .order_by("name")
    )


def approved_annotation_counts(article_ids) -> dict[int, int]:
    """Approved, team-visible annotations per article (what every member can see)."""
    from .models import Annotation, Status, Visibility

    rows = (
        Annotation.objects.filter(
            article_id__in=list(article_ids), status=Status.APPROVED, visibility=Visibility.TEAM
        )
        .values("article_id")
        .annotate(n=Count("id"))
        .values_list("article_id", "n")
    )
    return dict(rows)
