from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from reader.models import Membership, Role, Team
from reader.services import article_import
from reader.text.extract import extract_document

SEED = Path(settings.BASE_DIR) / "reader" / "seed" / "putin_north_korea.txt"
MEMBERS = [
    ("demo-owner", Role.OWNER),
    ("demo-reviewer", Role.REVIEWER),
    ("demo-annotator", Role.ANNOTATOR),
]


class Command(BaseCommand):
    help = "Create the demo team, its three members and the seed article. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        team, _ = Team.objects.get_or_create(slug="demo", defaults={"name": "فريق هامش التجريبي"})
        User = get_user_model()
        password = settings.HAMISH_DEMO_PASSWORD
        generated = ""
        for username, role in MEMBERS:
            user, created = User.objects.get_or_create(username=username)
            if password:
                user.set_password(password)
                user.save()
            elif created:
                generated = generated or secrets.token_urlsafe(12)
                user.set_password(generated)
                user.save()
            Membership.objects.update_or_create(user=user, team=team, defaults={"role": role})
        owner = User.objects.get(username="demo-owner")
        document = extract_document(
            SEED.read_bytes(), filename=SEED.name, max_bytes=settings.HAMISH_MAX_IMPORT_BYTES
        )
        result = article_import(team=team, user=owner, document=document)
        state = "created" if result.created else "already there"
        self.stdout.write(f"Team 'demo': {', '.join(u for u, _ in MEMBERS)}")
        self.stdout.write(
            f"Seed article {result.article.pk} ({state}): {result.article.get_absolute_url()}"
        )
        if generated:
            self.stdout.write(f"Password for the demo users (shown once): {generated}")
        elif password:
            self.stdout.write("Password for the demo users: the value of HAMISH_DEMO_PASSWORD")
        else:
            self.stdout.write("Demo users already existed; their password is unchanged.")
