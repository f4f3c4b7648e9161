"""Personal API tokens: create (shown once), revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

PREFIX = "hamish_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the secret, which is never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=(name or "API").strip()[:100], prefix=secret[:12], token_hash=_hash(secret)
    )
    return row, secret


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked=None).update(revoked=timezone.now())


def user_for_token(secret: str):
    """The active user a live token belongs to, or None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(secret), revoked=None, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used is None or (now - row.last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
    return row.user
