from django.db.models.signals import post_save
from django.dispatch import receiver

from .labels import create_default_labels
from .models import Label, Team


@receiver(post_save, sender=Team, dispatch_uid="team_default_labels")
def team_default_labels(sender, instance: Team, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        create_default_labels(Label, instance)
