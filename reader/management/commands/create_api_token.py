from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reader.tokens import token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME; the token is the last word printed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="a label for the token")

    def handle(self, *args, username, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"There is no active user named {username!r}.") from None
        _row, secret = token_create(user=user, name=name)
        self.stdout.write(f"API token for {user.username} (shown once, store it now): {secret}")
