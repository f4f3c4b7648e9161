"""The one place that decides who may see or change what.

Every view goes through these helpers. An object of a team the user does not belong to is
always a 404 (never a 403, which would confirm it exists); a member whose role is too low for
a write gets ``PermissionDenied``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Article, Membership, Role, Team


def memberships_for(user) -> QuerySet[Membership]:
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("team")


def visible_teams(user) -> QuerySet[Team]:
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def visible_articles(user) -> QuerySet[Article]:
    """Articles of every team the user belongs to."""
    if not user.is_authenticated or not user.is_active:
        return Article.objects.none()
    return Article.objects.filter(team__memberships__user=user)


def _require(membership: Membership, role: Role | None) -> None:
    if role is not None and not membership.has_role(role):
        raise PermissionDenied


def get_team_for_user(user, slug: str, *, role: Role | None = None) -> tuple[Team, Membership]:
    """The team with ``slug`` and the user's membership; 404 when the user is not a member.

    With ``role``, a member below that role gets ``PermissionDenied``.
    """
    try:
        membership = memberships_for(user).get(team__slug=slug)
    except Membership.DoesNotExist:
        raise Http404 from None
    _require(membership, role)
    return membership.team, membership


def _membership_or_404(user, team_id: int) -> Membership:
    membership = memberships_for(user).filter(team_id=team_id).first()
    if membership is None:
        raise Http404
    return membership


def get_article_for_user(user, pk: int, *, role: Role | None = None) -> tuple[Article, Membership]:
    """The article ``pk`` and the user's membership in its team; 404 for outsiders."""
    article = Article.objects.select_related("team", "current_revision").filter(pk=pk).first()
    if article is None:
        raise Http404
    membership = _membership_or_404(user, article.team_id)
    _require(membership, role)
    return article, membership


def team_choices_for(user, *, role: Role) -> list[Team]:
    """Teams where the user holds at least ``role`` (for forms that pick a team)."""
    return [m.team for m in memberships_for(user) if m.has_role(role)]


def get_annotation_for_user(user, pk: int):
    """An annotation the user may see, with their membership; 404 otherwise."""
    from .annotations import visible_annotations
    from .models import Annotation

    annotation = (
        Annotation.objects.select_related("article__team", "article__current_revision")
        .filter(pk=pk)
        .first()
    )
    if annotation is None:
        raise Http404
    membership = _membership_or_404(user, annotation.article.team_id)
    if not visible_annotations(membership, annotation.article).filter(pk=pk).exists():
        raise Http404
    return annotation, membership


def get_entity_for_user(user, pk: int):
    from .models import Entity

    entity = Entity.objects.select_related("team", "type").filter(pk=pk).first()
    if entity is None:
        raise Http404
    membership = _membership_or_404(user, entity.team_id)
    return entity, membership
