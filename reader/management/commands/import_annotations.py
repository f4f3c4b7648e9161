from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader.annotation_import import ImportFailed, decode, import_annotations
from reader.models import Membership, Role, Team


class Command(BaseCommand):
    help = (
        "Import W3C JSON-LD or JSONL annotations into a team, all or nothing. Articles are "
        "matched by source URL; positions are checked against the quote."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--team", required=True, help="the team's slug")
        parser.add_argument(
            "--user", help="the member recorded as author (default: the team's first owner)"
        )

    def handle(self, *args, file, team, user, **options):
        try:
            team_obj = Team.objects.get(slug=team)
        except Team.DoesNotExist:
            raise CommandError(f"There is no team with the slug {team!r}.") from None
        members = Membership.objects.select_related("user", "team").filter(team=team_obj)
        membership = (
            members.filter(user__username=user).first()
            if user
            else members.filter(role=Role.OWNER).order_by("pk").first()
        )
        if membership is None or not membership.can_annotate:
            raise CommandError(
                f"{user!r} is not an annotating member of {team!r}."
                if user
                else f"Team {team!r} has no owner to record as author; pass --user."
            )
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot read the file: {error.strerror or error}") from None
        try:
            report = import_annotations(
                team=team_obj, membership=membership, text=decode(data), filename=path.name
            )
        except ImportFailed as failure:
            for outcome in failure.report.outcomes:
                if outcome.status == "refused":
                    self.stderr.write(f"{outcome.where}: refused: {outcome.reason}")
            raise CommandError(f"{file}: {' '.join(failure.messages)}") from None
        for outcome in report.outcomes:
            if outcome.status == "reanchored":
                self.stderr.write(f"{outcome.where}: re-anchored: {outcome.reason}")
        self.stdout.write(
            f"Imported {report.count('imported') + report.count('reanchored')} annotations "
            f"({report.count('reanchored')} re-anchored by their quote) into {team}."
        )
