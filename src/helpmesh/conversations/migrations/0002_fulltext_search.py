"""The full-text index on tickets, per database engine (see conversations.search)."""

from django.db import migrations


def install(apps, schema_editor):
    from helpmesh.conversations import search

    search.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
