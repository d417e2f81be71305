"""A knowledge base as a folder of Markdown files with YAML front matter, both ways.

    ---
    title: Reset your password
    slug: reset-your-password
    category: Account & billing        # created if missing, like its section
    section: Signing in
    visibility: public                 # public | customers | agents
    status: published                  # draft | in_review | published | archived
    language: en
    translation_of: some-original-slug # optional
    related: [another-slug, a-third]   # optional
    ---
    The body, in Markdown.

Import is idempotent by slug (a changed file saves a new version, an unchanged one nothing). Each
file is imported on its own: a bad file is reported with its line and key, the others still land.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.text import slugify

from helpmesh.core import audit
from helpmesh.knowledge import indexing, services
from helpmesh.knowledge.errors import KnowledgeError
from helpmesh.knowledge.models import Article, Section

KEYS = (
    "title",
    "slug",
    "category",
    "section",
    "visibility",
    "status",
    "language",
    "translation_of",
    "related",
)
FENCE = "---"
Step = Callable[[str], None]


class BadFile(Exception):
    """A file that cannot be imported: where (``line``, ``key``) and why."""

    def __init__(self, message: str, line: int = 0, key: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.key = message, line, key


@dataclass
class Entry:
    path: Path
    meta: dict[str, Any]
    body: str
    lines: dict[str, int]  # front-matter key -> line number in the file

    def fail(self, message: str, key: str) -> BadFile:
        return BadFile(message, self.lines.get(key, 1), key)


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)  # "file:line: key: message"

    @property
    def ok(self) -> bool:
        return not self.failed


def parse(path: Path) -> Entry:
    """Read one file into front matter and body, or raise ``BadFile`` saying where."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BadFile(f"not UTF-8 text ({exc.reason})") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise BadFile("must start with a '---' line opening the front matter", 1)
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == FENCE), None)
    if end is None:
        raise BadFile("the front matter has no closing '---' line", 1)
    meta = _yaml("\n".join(lines[1:end]))
    positions = _key_lines(lines[1:end])
    for key in meta:
        if key not in KEYS:
            raise BadFile(
                f"unknown key (expected one of {', '.join(KEYS)})", positions.get(key, 1), key
            )
    if not str(meta.get("title") or "").strip():
        raise BadFile("a title is required", positions.get("title", end + 1), "title")
    return Entry(path, meta, "\n".join(lines[end + 1 :]).strip(), positions)


def _yaml(text: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for the fence, +1 from zero-based
        raise BadFile(
            f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}", line
        ) from None
    if not isinstance(meta, dict):
        raise BadFile("front matter must be a mapping of keys to values", 2)
    return {str(k): v for k, v in meta.items()}


def _key_lines(lines: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, line in enumerate(lines, start=2):
        match = re.match(r"^([A-Za-z_]+)\s*:", line)
        if match:
            found.setdefault(match.group(1), number)
    return found


def import_folder(folder: Path, step: Step | None = None) -> Report:
    """Import every ``*.md`` file under ``folder``: originals, then translations, then links.
    The search index is updated once at the end, in one batch."""
    with indexing.batched():
        return _import(folder, step)


def _import(folder: Path, step: Step | None) -> Report:
    report = Report()
    entries: list[Entry] = []
    for path in sorted(folder.rglob("*.md")):
        try:
            entries.append(parse(path))
        except BadFile as exc:
            report.failed.append(_where(path, exc))
            _advance(step, path)
    originals = [e for e in entries if not e.meta.get("translation_of")]
    translations = [e for e in entries if e.meta.get("translation_of")]
    imported: list[tuple[Entry, Article]] = []
    for entry in originals + translations:
        try:
            with audit.unit():
                imported.append((entry, _upsert(entry, report)))
        except BadFile as exc:
            report.failed.append(_where(entry.path, exc))
        _advance(step, entry.path)
    for entry, article in imported:
        try:
            _link(entry, article)
        except BadFile as exc:
            report.failed.append(_where(entry.path, exc))
    return report


def count_files(folder: Path) -> int:
    """How many files ``import_folder`` will read (for a progress bar)."""
    return sum(1 for _ in folder.rglob("*.md"))


def _advance(step: Step | None, path: Path) -> None:
    if step is not None:
        step(path.name)


def _where(path: Path, exc: BadFile) -> str:
    key = f" {exc.key}:" if exc.key else ""
    return f"{path}:{exc.line or 1}:{key} {exc.message}"


def _upsert(entry: Entry, report: Report) -> Article:
    meta = entry.meta
    slug = slugify(str(meta.get("slug") or meta["title"]))
    placement = _placement(entry)
    fields = {
        "title": str(meta["title"]),
        "body": entry.body,
        "visibility": str(meta.get("visibility", "public")),
        "language": str(meta.get("language", "en")),
    }
    status = str(meta.get("status", "published"))
    try:
        existing = Article.objects.filter(slug=slug).first()
        if existing is None:
            created = services.create_article(
                **fields,
                author=None,
                status=status,
                placement=placement,
                slug=slug,
                translation_of=_original(entry),
            )
            report.created += 1
            return created
        before = (existing.version, existing.status, existing.updated_at)
        services.update_article(existing, actor=None, placement=placement, **fields)
        services.set_status(existing, status, actor=None)
        changed = before != (existing.version, existing.status, existing.updated_at)
        report.updated += changed
        report.unchanged += not changed
        return existing
    except KnowledgeError as exc:
        raise entry.fail(exc.message, exc.field) from None


def _placement(entry: Entry) -> services.Placement:
    name = str(entry.meta.get("category") or "").strip()
    if not name:
        if entry.meta.get("section"):
            raise entry.fail("a section needs a category", "section")
        return services.Placement()
    category = services.find_category(name) or services.create_category(name)
    section_name = str(entry.meta.get("section") or "").strip()
    if not section_name:
        return services.Placement(category)
    section = Section.objects.filter(category=category, name__iexact=section_name).first()
    return services.Placement(category, section or services.create_section(category, section_name))


def _original(entry: Entry) -> Article | None:
    ref = entry.meta.get("translation_of")
    if not ref:
        return None
    original = Article.objects.filter(slug=str(ref)).first()
    if original is None:
        raise entry.fail(f"no article with slug {ref!r} to translate", "translation_of")
    return original.translation_of or original


def _link(entry: Entry, article: Article) -> None:
    refs = entry.meta.get("related")
    if refs is None:
        return
    if not isinstance(refs, list):
        raise entry.fail("related must be a list of slugs", "related")
    slugs = [str(r) for r in refs]
    found = list(Article.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {a.slug for a in found})
    if missing:
        raise entry.fail(f"no article with slug {', '.join(missing)}", "related")
    services.set_related(article, found, actor=None)


def export_folder(folder: Path, step: Step | None = None) -> int:
    """Write every article to ``folder/<slug>.md``; returns how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for article in _everything():
        path = folder / f"{article.slug}.md"
        path.write_text(render(article), encoding="utf-8")
        written += 1
        _advance(step, path)
    return written


def _everything() -> Iterator[Article]:
    rows = Article.objects.select_related("category", "section", "translation_of")
    return rows.prefetch_related("related").order_by("pk").iterator(chunk_size=200)


def render(article: Article) -> str:
    """One article as front matter and Markdown (what ``parse`` reads back)."""
    meta: dict[str, Any] = {"title": article.title, "slug": article.slug}
    if article.category:
        meta["category"] = article.category.name
    if article.section:
        meta["section"] = article.section.name
    meta |= {"visibility": article.visibility, "status": article.status}
    meta["language"] = article.language
    if article.translation_of:
        meta["translation_of"] = article.translation_of.slug
    related = sorted(a.slug for a in article.related.all())
    if related:
        meta["related"] = related
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"{FENCE}\n{front}{FENCE}\n{article.body.strip()}\n"
