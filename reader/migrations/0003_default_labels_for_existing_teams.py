from django.db import migrations


def add_default_labels(apps, schema_editor):
    from reader.labels import create_default_labels

    Label = apps.get_model("reader", "Label")
    Team = apps.get_model("reader", "Team")
    for team in Team.objects.all():
        create_default_labels(Label, team)


class Migration(migrations.Migration):
    dependencies = [("reader", "0002_annotations")]

    operations = [migrations.RunPython(add_default_labels, migrations.RunPython.noop)]
