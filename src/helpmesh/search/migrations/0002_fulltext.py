"""The full-text index on search documents, per database engine (see search.fulltext)."""

from django.db import migrations


def install(apps, schema_editor):
    from helpmesh.search import fulltext

    fulltext.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
