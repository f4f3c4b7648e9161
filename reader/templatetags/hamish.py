from __future__ import annotations

from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The language's name in the interface language (``ar`` → Arabic / العربية)."""
    if not code:
        return "—"
    try:
        return str(get_language_info(code.split("-")[0].lower())["name_translated"])
    except KeyError:
        return code
