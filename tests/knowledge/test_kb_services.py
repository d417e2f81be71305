"""The knowledge services: versions, lifecycle, the search index, counts, translations, files."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.conversations.attachments import NewAttachment
from helpmesh.core import clock
from helpmesh.core.models import AuditEvent
from helpmesh.knowledge import markup, search_source, services
from helpmesh.knowledge.errors import KnowledgeError
from helpmesh.knowledge.models import Article
from helpmesh.knowledge.redact import redact
from helpmesh.search.models import SearchDocument

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def indexed(article: Article) -> SearchDocument | None:
    return SearchDocument.objects.filter(kind="article", object_id=article.pk).first()


def test_each_change_of_title_or_body_is_a_version_and_a_diff(personas):
    with clock.frozen(T0):
        article = services.create_article(title="Reset", body="one\ntwo", author=personas.anna)
        clock.advance(timedelta(hours=1))
        services.update_article(article, actor=personas.ben, body="one\nthree")
        services.update_article(article, actor=personas.ben, body="one\nthree")  # no change
        services.update_article(article, actor=personas.anna, title="Reset a password")
    versions = list(article.versions.order_by("number"))
    assert [(v.number, v.title) for v in versions] == [
        (1, "Reset"),
        (2, "Reset"),
        (3, "Reset a password"),
    ]
    assert versions[1].author == personas.ben and versions[1].created_at == T0 + timedelta(hours=1)
    assert article.version == 3
    diff = services.diff(versions[0], versions[2])
    assert "--- v1" in diff and "+++ v3" in diff
    assert "-two" in diff and "+three" in diff and "+# Reset a password" in diff


def test_lifecycle_is_audited_and_keeps_the_search_index_in_step(personas):
    article = services.create_article(title="Track a parcel", body="Use *the* link.", author=None)
    assert indexed(article) is None  # a draft is not searchable
    services.submit_for_review(article, actor=personas.anna)
    services.publish(article, actor=personas.anna)
    doc = indexed(article)
    assert doc is not None and doc.url == article.path and doc.audience == "public"
    assert doc.body == "Use the link." and doc.language == "en"
    services.update_article(article, actor=personas.anna, visibility="customers", title="Track")
    doc = indexed(article)
    assert doc is not None and (doc.audience, doc.title) == ("customers", "Track")
    services.archive(article, actor=personas.anna)
    assert indexed(article) is None
    kinds = list(
        AuditEvent.objects.filter(subject_type="article", subject_id=article.pk)
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "kb.article.created",
        "kb.article.in_review",
        "kb.article.published",
        "kb.article.updated",
        "kb.article.archived",
    ]


def test_the_reindex_source_yields_published_articles_only(kb):
    docs = list(search_source.documents())
    assert {d.object_id for d in docs} == {kb.public.pk, kb.customers.pk, kb.agents.pk}
    assert {d.audience for d in docs} == {"public", "customers", "agents"}


def test_customers_may_not_write(personas):
    with pytest.raises(KnowledgeError) as refused:
        services.create_article(title="x", author=personas.alice_user)
    assert refused.value.code == "forbidden"
    with pytest.raises(KnowledgeError):
        services.create_article(title="x", author=personas.lisa)


def test_views_and_feedback_are_counted(kb, personas):
    services.record_view(kb.public)
    services.record_view(kb.public)
    services.record_feedback(kb.public, helpful=True)
    services.record_feedback(kb.public, helpful=False, comment=" Missing step ", user=None)
    kb.public.refresh_from_db()
    assert (kb.public.view_count, kb.public.helpful_yes, kb.public.helpful_no) == (2, 1, 1)
    assert kb.public.feedback.get(helpful=False).comment == "Missing step"


def test_slugs_stay_unique(personas):
    first = services.create_article(title="Refunds", author=None)
    second = services.create_article(title="Refunds", author=None)
    assert (first.slug, second.slug) == ("refunds", "refunds-2")


def test_translations_link_to_the_original_once_per_language(kb, personas):
    german = services.add_translation(
        kb.public, title="Doppelte Abbuchung", body="...", language="de", author=personas.anna
    )
    assert german.translation_of == kb.public and german.category == kb.billing
    assert german.visibility == kb.public.visibility and german.slug.endswith("-de")
    french = services.add_translation(
        german, title="Double prélèvement", body="...", language="fr", author=personas.anna
    )
    assert french.translation_of == kb.public  # never a translation of a translation
    assert [a.language for a in services.translations_of(kb.public)] == ["de", "fr"]
    assert [a.language for a in services.translations_of(french)] == ["de", "en"]
    with pytest.raises(KnowledgeError) as twice:
        services.add_translation(kb.public, title="x", body="", language="de", author=None)
    assert twice.value.field == "language"


def test_related_articles_link_both_ways(kb, personas):
    services.set_related(kb.public, [kb.customers, kb.public], actor=personas.anna)
    assert list(kb.public.related.all()) == [kb.customers]
    assert list(kb.customers.related.all()) == [kb.public]


def test_sections_belong_to_their_category(kb, personas):
    section = services.create_section(kb.billing, "Refunds")
    other = services.create_category("Orders & shipping")
    article = services.create_article(
        title="x", author=None, placement=services.Placement(None, section)
    )
    assert article.category == kb.billing
    with pytest.raises(KnowledgeError) as wrong:
        services.create_article(
            title="y", author=None, placement=services.Placement(other, section)
        )
    assert wrong.value.field == "section"


def test_files_are_stored_with_the_ticket_files_rules(kb, personas, settings):
    row = services.add_attachment(
        kb.public, NewAttachment("../../etc/steps.pdf", b"%PDF-1.4"), actor=personas.anna
    )
    assert row.filename == "steps.pdf" and row.content_type == "application/pdf"
    assert row.file.read() == b"%PDF-1.4" and row.file.name.startswith(f"kb/{kb.public.pk}/")
    settings.HELPMESH_MAX_ATTACHMENT_BYTES = 3
    with pytest.raises(KnowledgeError) as big:
        services.add_attachment(kb.public, NewAttachment("a.txt", b"abcd"), actor=personas.anna)
    assert big.value.code == "too_large"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        '![x](javascript:alert(1) "t")',
        "<a href='javascript:alert(1)'>raw</a>",
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_rendering_never_lets_script_through(hostile):
    html = markup.render(f"Before\n\n{hostile}\n\nAfter").lower()
    tags = re.findall(r"<[a-z][^>]*>", html)  # real elements; escaped text is harmless
    assert "<p>before</p>" in html and "<p>after</p>" in html
    assert not [t for t in tags if t.startswith("<script")]
    assert not [t for t in tags if re.search(r"\bon[a-z]+=", t)]
    assert not [t for t in tags if re.search(r"(href|src)=\"(javascript|data):", t)]


def test_markdown_renders_what_authors_expect():
    html = markup.render("# Steps\n\n1. **Open** [settings](https://example.com/s)\n\n`code`")
    assert "<h1>Steps</h1>" in html and "<strong>Open</strong>" in html
    assert 'href="https://example.com/s"' in html and "<code>code</code>" in html
    assert markup.plain_text("# Steps\n\n**Open** it") == "Steps Open it"


def test_redaction_replaces_addresses_phones_and_names():
    text = "I'm Alice Smith, write to alice@example.com or call +44 20 7946 0958 (order A-10234)."
    assert redact(text, ["Alice Smith", "Alice"]) == (
        "I'm [name], write to [email] or call [phone] (order A-10234)."
    )


def test_draft_from_ticket_needs_a_solved_ticket(personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    with pytest.raises(KnowledgeError) as early:
        services.draft_from_ticket(ticket, personas.anna)
    assert early.value.code == "not_solved"
