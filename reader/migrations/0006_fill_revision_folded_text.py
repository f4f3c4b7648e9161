from django.db import migrations


def fill(apps, schema_editor):
    from reader.text.folding import fold

    Revision = apps.get_model("reader", "Revision")
    for revision in Revision.objects.filter(folded="").iterator(chunk_size=200):
        revision.folded = fold(revision.body)
        revision.save(update_fields=["folded"])


class Migration(migrations.Migration):
    dependencies = [("reader", "0005_revision_folded_text")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
