from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reader.forms import validate_language_tag
from reader.models import Team
from reader.services import article_import
from reader.text.extract import ExtractionError, extract_document


class Command(BaseCommand):
    help = (
        "Import .txt, .md or .html articles into a team. Prints one line per imported "
        "article: its id, a tab, its path. Messages go to standard error."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--team", required=True, help="the team's slug")
        parser.add_argument("--language", default="", help="a BCP 47 tag; detected if omitted")
        parser.add_argument("--title", default="", help="the title; else the first line")

    def handle(self, *args, paths, team, language, title, **options):
        try:
            team_obj = Team.objects.get(slug=team)
        except Team.DoesNotExist:
            raise CommandError(f"There is no team with the slug {team!r}.") from None
        try:
            language = validate_language_tag(language)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        failures = 0
        for name in paths:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as error:
                self.stderr.write(f"{name}: cannot read the file: {error.strerror or error}")
                failures += 1
                continue
            try:
                document = extract_document(
                    data,
                    filename=path.name,
                    max_bytes=settings.HAMISH_MAX_IMPORT_BYTES,
                    title=title,
                )
                result = article_import(
                    team=team_obj, user=None, document=document, language=language, title=title
                )
            except ExtractionError as error:
                self.stderr.write(f"{name}: {error}")
                failures += 1
                continue
            except ValidationError as error:
                self.stderr.write(f"{name}: {' '.join(error.messages)}")
                failures += 1
                continue
            article = result.article
            if not result.created:
                self.stderr.write(
                    f"{name}: already imported as article {article.pk} "
                    f"(same {'source URL' if result.duplicate_reason == 'source_url' else 'text'});"
                    " nothing new was created"
                )
            else:
                removed = ", ".join(f"{r.rule}: {r.text!r}" for r in result.removals) or "nothing"
                self.stderr.write(f"{name}: imported; removed {removed}")
            self.stdout.write(f"{article.pk}\t{article.get_absolute_url()}")
        if failures:
            raise CommandError(f"{failures} of {len(paths)} file(s) could not be imported.")
