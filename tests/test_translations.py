"""The Arabic catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ar" / "LC_MESSAGES"


def entries(po: str):
    """(flags, msgctxt, msgid, msgstr) of singular entries, in a minimal .po reading."""
    for chunk in po.split("\n\n"):
        lines = [line for line in chunk.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
                key, _sep, rest = line.partition(" ")
                fields[key] = ast.literal_eval(rest)
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid") and "msgid_plural" not in fields:
            yield flags, fields.get("msgctxt"), fields["msgid"], fields.get("msgstr", "")


def test_every_string_is_translated_and_not_fuzzy():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    missing = [msgid for flags, _c, msgid, msgstr in entries(po) if not msgstr or "fuzzy" in flags]
    assert missing == []
    assert "#, fuzzy" not in po.split("\n\n", 1)[1]


def test_compiled_catalogue_matches_the_po():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    with open(LOCALE / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for _flags, context, msgid, msgstr in entries(po)
        if (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)) != msgstr
    ]
    assert stale == []
