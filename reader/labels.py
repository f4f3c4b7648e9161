"""The labels every new team starts with (owners edit them on the team's labels page)."""

from __future__ import annotations

# (kind, slug, English, Arabic, colour, key)
DEFAULT_LABELS = [
    ("entity", "person", "Person", "شخص", "#fde68a", "p"),
    ("entity", "organisation", "Organisation", "منظمة", "#bfdbfe", "o"),
    ("entity", "place", "Place", "مكان", "#bbf7d0", "l"),
    ("entity", "date", "Date", "تاريخ", "#fbcfe8", "d"),
    ("entity", "event", "Event", "حدث", "#ddd6fe", "e"),
    ("verdict", "unverified", "Unverified", "لم يُتحقَّق منه", "#e5e7eb", "1"),
    ("verdict", "true", "True", "صحيح", "#bbf7d0", "2"),
    ("verdict", "mostly-true", "Mostly true", "صحيح في معظمه", "#d9f99d", "3"),
    ("verdict", "misleading", "Misleading", "مضلِّل", "#fed7aa", "4"),
    ("verdict", "false", "False", "خاطئ", "#fecaca", "5"),
    ("verdict", "unverifiable", "Unverifiable", "لا يمكن التحقق منه", "#e9d5ff", "6"),
]

HIGHLIGHT_COLOUR = "#fef08a"
CLAIM_COLOUR = "#fdba74"


def create_default_labels(label_model, team) -> None:
    """Give ``team`` the default labels it lacks (works with a migration's historical model)."""
    existing = set(label_model.objects.filter(team=team).values_list("kind", "slug"))
    label_model.objects.bulk_create(
        [
            label_model(
                team=team,
                kind=kind,
                slug=slug,
                name_en=en,
                name_ar=ar,
                colour=colour,
                key=key,
                position=position,
            )
            for position, (kind, slug, en, ar, colour, key) in enumerate(DEFAULT_LABELS)
            if (kind, slug) not in existing
        ]
    )
