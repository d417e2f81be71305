"""The help center pages, read with the plain Django client (no JavaScript anywhere)."""

from __future__ import annotations

from django.test import Client

from helpmesh.knowledge import services


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_home_lists_categories_and_popular_articles_for_anonymous_readers(client, kb):
    services.record_view(kb.public)
    page = client.get("/help/").content.decode()
    assert "Account &amp; billing" in page and "/help/categories/account-billing/" in page
    assert kb.public.title in page
    assert kb.customers.title not in page and kb.agents.title not in page
    assert kb.draft.title not in page
    assert 'action="/help/search/"' in page and 'hx-get="/help/search/suggest/"' in page


def test_a_customer_sees_customer_articles_and_staff_see_drafts_badged(kb, personas):
    alice = signed_in(personas.alice_user).get("/help/categories/account-billing/")
    assert kb.customers.title in alice.content.decode()
    assert kb.agents.title not in alice.content.decode()
    page = signed_in(personas.anna).get("/help/categories/account-billing/").content.decode()
    assert kb.draft.title in page and kb.agents.title in page
    assert "badge-draft" in page and "Agents only" in page


def test_an_article_page_counts_the_view_and_renders_safe_markdown(client, kb, personas):
    services.update_article(
        kb.public, actor=personas.anna, body="**Bold** <script>alert(1)</script>"
    )
    response = client.get(kb.public.path)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Bold</strong>" in page and "<script>alert(1)" not in page
    assert "Last updated" in page and "Was this article helpful?" in page
    assert "Edit in admin" not in page
    kb.public.refresh_from_db()
    assert kb.public.view_count == 1
    signed_in(personas.anna).get(kb.public.path)  # staff previews are not counted
    kb.public.refresh_from_db()
    assert kb.public.view_count == 1


def test_agents_get_an_edit_link_that_opens_the_admin(kb, personas):
    page = signed_in(personas.root).get(kb.public.path).content.decode()
    assert f"/admin/knowledge/article/{kb.public.pk}/change/" in page


def test_old_slugs_and_bare_ids_redirect_to_the_current_address(client, kb):
    assert client.get(f"/help/articles/{kb.public.pk}/").url == kb.public.path
    assert client.get(f"/help/articles/{kb.public.pk}-old-title/").url == kb.public.path


def test_hidden_articles_are_not_found(client, kb, personas):
    assert client.get(kb.customers.path).status_code == 404
    assert client.get(kb.draft.path).status_code == 404
    assert signed_in(personas.bob_user).get(kb.agents.path).status_code == 404
    assert signed_in(personas.bob_user).get(kb.customers.path).status_code == 200
    assert signed_in(personas.lisa).get(kb.draft.path).status_code == 200


def test_feedback_is_a_plain_form_post_with_an_optional_comment(client, kb):
    url = f"/help/articles/{kb.public.pk}/feedback/"
    response = client.post(url, {"helpful": "no", "comment": "Step two is missing"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(kb.public.path)
    assert "Thanks for your feedback" in response.content.decode()
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "maybe"})  # refused, nothing counted
    kb.public.refresh_from_db()
    assert (kb.public.helpful_yes, kb.public.helpful_no) == (1, 1)
    assert kb.public.feedback.filter(comment="Step two is missing").exists()
    assert (
        client.post(f"/help/articles/{kb.agents.pk}/feedback/", {"helpful": "yes"}).status_code
        == 404
    )


def test_related_articles_and_translations_are_linked_when_readable(client, kb, personas):
    services.set_related(kb.public, [kb.customers, kb.agents], actor=personas.anna)
    german = services.add_translation(
        kb.public,
        title="Doppelte Abbuchung",
        body="Text",
        language="de",
        author=None,
        status="published",
    )
    page = client.get(kb.public.path).content.decode()
    assert f'href="{german.path}"' in page and 'hreflang="de"' in page
    assert kb.customers.title not in page and kb.agents.title not in page
    page = signed_in(personas.alice_user).get(kb.public.path).content.decode()
    assert "Related articles" in page and kb.customers.title in page
    assert kb.agents.title not in page


def test_search_page_shows_hits_and_respects_visibility(client, kb, personas):
    page = client.get("/help/search/", {"q": "refund"}).content.decode()
    assert kb.public.title in page
    assert kb.agents.title not in page  # "Refund approval runbook" is for agents only
    page = signed_in(personas.anna).get("/help/search/", {"q": "refund runbook"}).content.decode()
    assert kb.agents.title in page


def test_opening_a_result_counts_the_click_and_lands_on_the_article(client, kb):
    from helpmesh.search.models import SearchClick, SearchQuery

    page = client.get("/help/search/", {"q": "refund"}).content.decode()
    query = SearchQuery.objects.get()
    link = f"/help/search/{query.pk}/open/article/{kb.public.pk}/"
    assert link in page

    response = client.get(link)

    assert response.status_code == 302 and response["Location"] == kb.public.path
    click = SearchClick.objects.get(query=query)
    assert (click.kind, click.object_id, click.position) == ("article", kb.public.pk, 1)
    # A result the query never returned is not counted (clicks cannot be forged).
    client.get(f"/help/search/{query.pk}/open/article/{kb.customers.pk}/")
    assert SearchClick.objects.count() == 1


def test_search_without_words_asks_for_them(client, kb):
    response = client.get("/help/search/")
    assert response.status_code == 200 and "Type a question" in response.content.decode()


def test_suggestions_are_a_small_partial_of_readable_titles(client, kb):
    for n in range(7):
        services.create_article(
            title=f"Refund case {n}", body="refund steps", author=None, status="published"
        )
    response = client.get("/help/search/suggest/", {"q": "refund"})
    page = response.content.decode()
    assert "<html" not in page
    assert page.count("<li>") == 6  # five titles and "all results"
    assert kb.agents.title not in page
    assert client.get("/help/search/suggest/", {"q": "r"}).content.decode().strip() == ""


def test_suggestions_complete_a_word_still_being_typed(client, kb, personas):
    page = client.get("/help/search/suggest/", {"q": "invo"}).content.decode()
    assert kb.customers.title not in page  # for signed-in customers only
    page = signed_in(personas.alice_user).get("/help/search/suggest/", {"q": "invo"})
    assert kb.customers.title in page.content.decode()


def test_the_admin_saves_articles_through_the_services(kb, personas):
    admin = signed_in(personas.root)
    url = f"/admin/knowledge/article/{kb.public.pk}/change/"
    form = {
        "title": "Refund a double charge",
        "slug": kb.public.slug,
        "body": "New body",
        "category": kb.billing.pk,
        "section": "",
        "status": "archived",
        "visibility": "public",
        "language": "en",
        "translation_of": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "feedback-TOTAL_FORMS": "0",
        "feedback-INITIAL_FORMS": "0",
    }
    response = admin.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    kb.public.refresh_from_db()
    assert (kb.public.title, kb.public.status, kb.public.version) == (
        "Refund a double charge",
        "archived",
        2,
    )
