"""The agents' search indexes: every message (internal notes included) and subjects, per engine
(see conversations.search.install_agent_index)."""

from django.db import migrations


def install(apps, schema_editor):
    from helpmesh.conversations import search

    search.install_agent_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0003_leaner_indexes"), ("customers", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
