from __future__ import annotations

from django import template
from django.utils.translation import get_language_info, gettext_lazy as _

from reader.models import DebrisRuleKind

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


RULE_NAMES = {
    "ad_marker": _("Ad marker"),
    "promo_line": _("Promotional line"),
    "source_label": _("Bare source label"),
    "repeated_title": _("Repeated title"),
}


@register.filter
def rule_name(name: str) -> str:
    """A built-in cleaning rule's name in the interface language; a team's own as typed."""
    return str(RULE_NAMES.get(name, name))


@register.filter
def rule_kind(kind: str) -> str:
    try:
        return str(DebrisRuleKind(kind).label)
    except ValueError:
        return kind
