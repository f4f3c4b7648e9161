from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reader.exports import FORMATS, exportable, stream
from reader.models import Article, Team


class Command(BaseCommand):
    help = "Export a team's shared annotations as W3C JSON-LD, JSONL (doccano spans), CSV or ClaimReview."

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True, help="the team's slug")
        parser.add_argument("--article", type=int, help="only this article's annotations")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("-o", "--output", help="a file to write (default: standard output)")

    def handle(self, *args, team, article, format, output, **options):
        try:
            team_obj = Team.objects.get(slug=team)
        except Team.DoesNotExist:
            raise CommandError(f"There is no team with the slug {team!r}.") from None
        if article is not None and not Article.objects.filter(pk=article, team=team_obj).exists():
            raise CommandError(f"Team {team!r} has no article {article}.")
        annotations = exportable(team_obj, article_id=article)
        chunks = stream(
            format,
            annotations,
            base=settings.HAMISH_BASE_URL,
            team=team_obj,
            label=f"{team_obj.name} — Hamish annotations",
        )
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
            self.stderr.write(f"Wrote {annotations.count()} annotations to {output}")
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
