"""The knowledge API contract: who may write, who may read what, and the shapes they get."""

from __future__ import annotations

import pytest

from helpmesh.knowledge.models import Article

FIELDS = {
    "id",
    "slug",
    "url",
    "title",
    "body",
    "status",
    "visibility",
    "language",
    "category",
    "created_at",
    "updated_at",
    "published_at",
    "version",
}


def test_an_agent_creates_a_draft_with_every_documented_field(api, personas):
    response = api(personas.anna).post(
        "/kb/articles", {"title": "Reset your password", "body": "Click *Forgot password*."}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= FIELDS
    assert data["slug"] == "reset-your-password"
    assert data["url"] == f"/help/articles/{data['id']}-reset-your-password/"
    assert (data["status"], data["visibility"], data["language"]) == ("draft", "public", "en")
    assert data["version"] == 1 and data["published_at"] is None and data["category"] is None
    assert "<em>Forgot password</em>" in data["html"]


def test_status_published_publishes_at_once_in_the_named_category(api, personas, kb):
    response = api(personas.root).post(
        "/kb/articles",
        {
            "title": "Pay by bank transfer",
            "body": "Use the IBAN on your invoice.",
            "status": "published",
            "visibility": "customers",
            "category": "Account & billing",
            "language": "de",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "published" and data["published_at"] is not None
    assert (data["category"], data["visibility"], data["language"]) == (
        "account-billing",
        "customers",
        "de",
    )


def test_a_customer_may_not_write_articles(api, personas):
    response = api(personas.alice_user).post("/kb/articles", {"title": "Mine", "body": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Article.objects.exists()


def test_a_light_agent_reads_but_does_not_write(api, personas, kb):
    assert api(personas.lisa).post("/kb/articles", {"title": "Hi"}).status_code == 403
    assert api(personas.lisa).get(f"/kb/articles/{kb.draft.pk}").status_code == 200


def test_anonymous_writes_are_refused(api):
    assert api(None).post("/kb/articles", {"title": "Hi"}).status_code in (401, 403)


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused_naming_the_field(api, personas, title):
    response = api(personas.anna).post("/kb/articles", {"title": title, "body": "text"})
    assert response.status_code in (400, 422)
    assert response.json()["field"] == "title"
    assert not Article.objects.exists()


def test_a_missing_title_is_refused_naming_the_field(api, personas):
    response = api(personas.anna).post("/kb/articles", {"body": "text"})
    assert response.status_code in (400, 422)
    assert response.json()["field"] == "title"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"visibility": "everyone"}, "visibility"),
        ({"status": "live"}, "status"),
        ({"category": "No such thing"}, "category"),
        ({"language": "English!"}, "language"),
    ],
)
def test_bad_values_are_refused_naming_the_field(api, personas, payload, field):
    response = api(personas.anna).post("/kb/articles", {"title": "T", **payload})
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Article.objects.exists()


def test_patch_edits_saves_a_version_and_publishes(api, personas, kb):
    response = api(personas.ben).patch(
        f"/kb/articles/{kb.draft.pk}",
        {"body": "Annual billing saves two months.", "status": "published"},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2 and data["status"] == "published"
    assert data["body"] == "Annual billing saves two months."
    assert kb.draft.versions.count() == 2


def test_patch_moves_category_and_clears_it(api, personas, kb):
    api(personas.anna).post("/kb/categories", {"name": "Orders & shipping"})
    path = f"/kb/articles/{kb.public.pk}"
    assert api(personas.anna).patch(path, {"category": "orders-shipping"}).json()["category"] == (
        "orders-shipping"
    )
    assert api(personas.anna).patch(path, {"category": None}).json()["category"] is None


def test_patch_refuses_customers_and_empty_titles(api, personas, kb):
    path = f"/kb/articles/{kb.public.pk}"
    assert api(personas.alice_user).patch(path, {"title": "Hacked"}).status_code == 403
    response = api(personas.anna).patch(path, {"title": ""})
    assert response.status_code == 400 and response.json()["field"] == "title"
    kb.public.refresh_from_db()
    assert kb.public.title == "Refund a duplicate charge"


# Who sees what: (persona, article) -> visible?
VISIBLE = {
    None: {"public"},
    "alice_user": {"public", "customers"},
    "bob_user": {"public", "customers"},
    "anna": {"public", "customers", "agents", "draft"},
}


@pytest.mark.parametrize("reader", list(VISIBLE))
@pytest.mark.parametrize("which", ["public", "customers", "agents", "draft"])
def test_get_shows_only_what_the_reader_may_see(api, personas, kb, reader, which):
    user = getattr(personas, reader) if reader else None
    article = getattr(kb, which)
    response = api(user).get(f"/kb/articles/{article.pk}")
    if which in VISIBLE[reader]:
        assert response.status_code == 200
        assert response.json()["id"] == article.pk
    else:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_an_archived_article_is_hidden_from_customers_but_not_staff(api, personas, kb):
    api(personas.anna).patch(f"/kb/articles/{kb.public.pk}", {"status": "archived"})
    assert api(personas.alice_user).get(f"/kb/articles/{kb.public.pk}").status_code == 404
    assert api(personas.anna).get(f"/kb/articles/{kb.public.pk}").json()["status"] == "archived"


def test_a_bad_token_is_not_treated_as_anonymous(api, personas, kb):
    response = api(None).get(
        f"/kb/articles/{kb.public.pk}", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


def test_the_list_holds_only_visible_articles(api, personas, kb):
    ids = {a["id"] for a in api(None).get("/kb/articles").json()}
    assert ids == {kb.public.pk}
    ids = {a["id"] for a in api(personas.bob_user).get("/kb/articles").json()}
    assert ids == {kb.public.pk, kb.customers.pk}
    assert len(api(personas.anna).get("/kb/articles").json()) == 4
    found = api(personas.anna).get("/kb/articles", q="runbook").json()
    assert [a["id"] for a in found] == [kb.agents.pk]


def test_versions_and_their_diff(api, personas, kb):
    path = f"/kb/articles/{kb.public.pk}"
    api(personas.anna).patch(path, {"body": "Brand new text."})
    versions = api(personas.anna).get(f"{path}/versions").json()
    assert [v["number"] for v in versions] == [1, 2]
    diff = api(personas.anna).get(f"{path}/diff", a=1, b=2).json()["diff"]
    assert "+Brand new text." in diff and "-Step one: breathe." in diff
    assert api(personas.alice_user).get(f"{path}/versions").status_code == 403
    assert api(personas.anna).get(f"{path}/diff", a=1, b=9).status_code == 404


def test_feedback_counts_for_anyone_who_can_see_the_article(api, personas, kb):
    path = f"/kb/articles/{kb.public.pk}/feedback"
    assert api(None).post(path, {"helpful": True}).status_code == 201
    response = api(personas.alice_user).post(path, {"helpful": False, "comment": "Too short"})
    assert response.json() == {"helpful_yes": 1, "helpful_no": 1}
    assert kb.public.feedback.filter(comment="Too short", user=personas.alice_user).exists()
    hidden = f"/kb/articles/{kb.agents.pk}/feedback"
    assert api(personas.alice_user).post(hidden, {"helpful": True}).status_code == 404


def test_categories_list_and_create(api, personas, kb):
    created = api(personas.anna).post("/kb/categories", {"name": "Technical support"})
    assert created.status_code == 201 and created.json()["slug"] == "technical-support"
    again = api(personas.anna).post("/kb/categories", {"name": "Technical support"})
    assert again.status_code == 409 and again.json()["field"] == "name"
    assert api(personas.alice_user).post("/kb/categories", {"name": "X"}).status_code == 403
    names = [c["name"] for c in api(None).get("/kb/categories").json()]
    assert names == ["Account & billing", "Technical support"]


def test_draft_from_a_solved_ticket(api, personas):
    from helpmesh.conversations import services as tickets
    from helpmesh.conversations.models import Status

    ticket = personas.ticket_for(
        personas.alice_user,
        team=personas.team_a,
        subject="Printer offline",
        body="My printer is offline. Mail me at alice.private@example.org or +1 415 555 0123.",
    )
    tickets.add_message(
        ticket,
        tickets.NewMessage(body_text="Turn it off and on again."),
        channel="web",
        author_user=personas.anna,
    )
    tickets.update_ticket(ticket, tickets.TicketChanges(status=Status.SOLVED), actor=personas.anna)
    response = api(personas.anna).post("/kb/articles/from-ticket", {"ticket_id": ticket.pk})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["title"] == "Printer offline"
    assert "alice.private@example.org" not in data["body"] and "[email]" in data["body"]
    assert "555 0123" not in data["body"] and "Turn it off and on again." in data["body"]
    other = api(personas.ben).post("/kb/articles/from-ticket", {"ticket_id": ticket.pk})
    assert other.status_code == 404  # ben cannot see team A's ticket


def test_an_editor_uploads_a_file_readers_list_it_and_the_help_center_serves_it(api, kb, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    anna = api(personas.anna)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    response = anna.client.post(
        f"/api/v1/kb/articles/{kb.public.pk}/files",
        {"file": SimpleUploadedFile("screen shot.png", png, content_type="image/png")},
        headers=anna.headers,
    )
    assert response.status_code == 201
    row = response.json()
    assert row["content_type"] == "image/png" and row["size"] == len(png)
    assert row["url"] == f"/help/articles/{kb.public.pk}/files/{row['id']}/"

    assert [f["id"] for f in api(None).get(f"/kb/articles/{kb.public.pk}/files").json()] == [
        row["id"]
    ]
    assert b"".join(anna.client.get(row["url"]).streaming_content) == png


def test_customers_cannot_upload_and_too_large_files_name_the_field(api, kb, personas, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    alice = api(personas.alice_user)
    refused = alice.client.post(
        f"/api/v1/kb/articles/{kb.public.pk}/files",
        {"file": SimpleUploadedFile("a.txt", b"hi")},
        headers=alice.headers,
    )
    assert refused.status_code == 403

    settings.HELPMESH_MAX_ATTACHMENT_BYTES = 10
    anna = api(personas.anna)
    big = anna.client.post(
        f"/api/v1/kb/articles/{kb.public.pk}/files",
        {"file": SimpleUploadedFile("big.txt", b"x" * 11)},
        headers=anna.headers,
    )
    assert big.status_code == 400 and big.json()["field"] == "file"
