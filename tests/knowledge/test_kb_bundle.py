"""``helpmesh kb import/export``: a folder of Markdown files round trip, bad files named."""

from __future__ import annotations

from pathlib import Path

from helpmesh.cli import build_parser
from helpmesh.knowledge import bundle, services
from helpmesh.knowledge.models import Article

RESET = """---
title: Reset your password
slug: reset-password
category: Account & billing
section: Signing in
visibility: public
status: published
language: en
related: [two-factor]
---
Open **Settings** and choose *Reset password*.
"""
TWO_FACTOR = """---
title: Two-factor codes not arriving
slug: two-factor
category: Technical support
visibility: customers
---
Check the phone's clock.
"""
GERMAN = """---
title: Passwort zurücksetzen
slug: reset-password-de
language: de
translation_of: reset-password
category: Account & billing
---
Öffnen Sie die Einstellungen.
"""
BROKEN_YAML = """---
title: Broken
visibility: [public
---
Body
"""
BAD_VALUE = """---
title: Bad visibility
slug: bad-visibility
status: published
visibility: everybody
---
Body
"""


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return args.func(args)


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_import_creates_articles_categories_translations_and_links(tmp_path, db):
    folder = write(tmp_path / "kb", {"a.md": RESET, "b.md": TWO_FACTOR, "c.md": GERMAN})
    assert run("kb", "import", str(folder)) == 0
    reset = Article.objects.get(slug="reset-password")
    assert reset.status == "published" and reset.category.name == "Account & billing"
    assert reset.section.name == "Signing in"
    assert reset.body == "Open **Settings** and choose *Reset password*."
    assert [a.slug for a in reset.related.all()] == ["two-factor"]
    two_factor = Article.objects.get(slug="two-factor")
    assert (two_factor.visibility, two_factor.status) == ("customers", "published")
    german = Article.objects.get(slug="reset-password-de")
    assert german.translation_of == reset and german.language == "de"


def test_import_is_idempotent_and_updates_make_versions(tmp_path, db):
    folder = write(tmp_path / "kb", {"a.md": RESET, "b.md": TWO_FACTOR})
    assert bundle.import_folder(folder).created == 2
    again = bundle.import_folder(folder)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    write(folder, {"a.md": RESET.replace("*Reset password*", "*Forgot password*")})
    changed = bundle.import_folder(folder)
    assert (changed.updated, changed.unchanged) == (1, 1)
    reset = Article.objects.get(slug="reset-password")
    assert reset.version == 2 and "Forgot" in reset.body
    assert Article.objects.count() == 2


def test_a_bad_file_is_named_with_its_line_and_the_rest_still_lands(tmp_path, db, capsys):
    folder = write(
        tmp_path / "kb",
        {"a.md": RESET, "b.md": TWO_FACTOR, "broken.md": BROKEN_YAML, "value.md": BAD_VALUE},
    )
    write(folder, {"nofence.md": "Just text\n", "unknown.md": "---\ntitel: Typo\n---\nx\n"})
    assert run("kb", "import", str(folder)) == 1
    err = capsys.readouterr().err
    assert "broken.md:3" in err and "not valid YAML" in err
    assert "value.md:5: visibility:" in err
    assert "nofence.md:1" in err and "'---'" in err
    assert "unknown.md:2: titel: unknown key" in err
    assert "2 created" in err and "4 failed" in err
    assert set(Article.objects.values_list("slug", flat=True)) == {"reset-password", "two-factor"}


def test_a_translation_of_a_missing_article_is_refused_by_key(tmp_path, db):
    folder = write(tmp_path / "kb", {"c.md": GERMAN})
    report = bundle.import_folder(folder)
    assert not report.ok and "c.md:5: translation_of:" in report.failed[0]
    assert not Article.objects.exists()


def test_export_then_import_elsewhere_round_trips(tmp_path, kb, personas, django_db_blocker):
    services.set_related(kb.public, [kb.customers], actor=personas.anna)
    services.add_translation(
        kb.public, title="Doppelte Abbuchung", body="Text", language="de", author=None
    )
    out = tmp_path / "out"
    assert run("kb", "export", str(out)) == 0
    files = sorted(p.name for p in out.glob("*.md"))
    assert len(files) == 5 and f"{kb.public.slug}.md" in files
    exported = {a.slug: _shape(a) for a in Article.objects.all()}
    Article.objects.all().delete()
    report = bundle.import_folder(out)
    assert report.ok and report.created == 5
    assert {a.slug: _shape(a) for a in Article.objects.all()} == exported
    again = bundle.import_folder(out)  # and the export of the import is stable
    assert again.unchanged == 5


def _shape(article: Article) -> tuple:
    return (
        article.title,
        article.body,
        article.status,
        article.visibility,
        article.language,
        article.category.name if article.category else None,
        article.translation_of.slug if article.translation_of else None,
        sorted(a.slug for a in article.related.all()),
    )
