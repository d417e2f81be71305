"""The moderation pages: the queue, its decisions (plain forms and htmx), the log, flagging."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from helpmesh.community import moderation
from helpmesh.community.models import Flag, FlagReason, ModerationAction, Post


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def held(community, personas) -> Post:
    return community.post_topic(
        personas.alice_user,
        title="Invoice missing",
        body="Where is my <b>invoice</b>?",
        approve=False,
    ).posts.get()


def test_the_queue_shows_pending_posts_with_their_reason(held, personas):
    response = signed_in(personas.anna).get("/community/moderation/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Invoice missing" in page
    assert "first post of a new member" in page
    assert "Where is my &lt;b&gt;invoice&lt;/b&gt;?" in page  # escaped, never rendered
    assert f"/community/moderation/posts/{held.pk}/approve/" in page
    assert f"/community/moderation/posts/{held.pk}/reject/" in page
    assert "csrfmiddlewaretoken" in page


def test_the_queue_shows_open_flags(community, personas):
    post = community.post_topic(personas.alice_user, body="Buy cheap watches here").posts.get()
    flag = moderation.flag(post, personas.bob_user, "spam", "a watch shop")

    page = signed_in(personas.anna).get("/community/moderation/").content.decode()

    assert "a watch shop" in page
    assert f"/community/moderation/flags/{flag.pk}/resolve/" in page
    assert f"/community/moderation/posts/{post.pk}/remove/" in page


def test_only_moderators_see_the_queue(held, personas):
    assert signed_in(personas.bob_user).get("/community/moderation/").status_code == 403
    assert signed_in(personas.bob_user).get("/community/moderation/log/").status_code == 403
    anonymous = Client().get("/community/moderation/")
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    refused = signed_in(personas.bob_user).post(f"/community/moderation/posts/{held.pk}/approve/")
    assert refused.status_code == 403
    held.refresh_from_db()
    assert held.visibility == "pending"


def test_approving_with_the_form_redirects_back(held, personas):
    client = signed_in(personas.anna)

    response = client.post(f"/community/moderation/posts/{held.pk}/approve/", {"reason": "welcome"})

    assert (response.status_code, response["Location"]) == (302, "/community/moderation/")
    held.refresh_from_db()
    assert held.visibility == "visible"
    assert ModerationAction.objects.get(post=held).reason == "welcome"
    assert "Invoice missing" not in client.get("/community/moderation/").content.decode()


def test_htmx_replaces_the_row(held, personas):
    response = signed_in(personas.anna).post(
        f"/community/moderation/posts/{held.pk}/reject/", headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "Rejected." in response.content.decode()
    held.refresh_from_db()
    assert held.visibility == "removed"


def test_a_wrong_decision_is_explained(held, personas):
    client = signed_in(personas.anna)

    response = client.post(f"/community/moderation/posts/{held.pk}/restore/", follow=True)

    assert "only a removed post can be restored" in response.content.decode()
    assert client.post(f"/community/moderation/posts/{held.pk}/delete/").status_code == 404
    assert client.post("/community/moderation/posts/999999/approve/").status_code == 404


def test_dismissing_a_flag(community, personas):
    post = community.post_topic(personas.alice_user).posts.get()
    flag = moderation.flag(post, personas.bob_user, "off_topic")

    signed_in(personas.anna).post(
        f"/community/moderation/flags/{flag.pk}/resolve/", {"outcome": "dismissed"}
    )

    flag.refresh_from_db()
    assert flag.status == "dismissed"


def test_the_log_page(held, personas):
    moderation.approve(held, personas.anna, "welcome aboard")

    page = signed_in(personas.anna).get("/community/moderation/log/").content.decode()

    assert "approve" in page
    assert "welcome aboard" in page
    assert "Invoice missing" in page


def test_flagging_from_the_topic_page(community, personas):
    post = community.post_topic(personas.alice_user).posts.get()

    response = signed_in(personas.bob_user).post(
        f"/community/posts/{post.pk}/flag/", {"reason": "offensive", "note": "rude"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{post.topic.path}#post-{post.pk}"
    flag = Flag.objects.get(post=post)
    assert (flag.reporter, flag.reason, flag.note) == (personas.bob_user, "offensive", "rude")
    again = signed_in(personas.bob_user).post(
        f"/community/posts/{post.pk}/flag/", {"reason": "offensive"}, follow=True
    )
    assert "already flagged" in again.content.decode()


def test_a_private_post_cannot_be_flagged_by_outsiders(community, personas):
    post = community.post_topic(personas.bob_user, category=community.private).posts.get()

    response = signed_in(personas.alice_user).post(
        f"/community/posts/{post.pk}/flag/", {"reason": "spam"}
    )

    assert response.status_code == 404
    assert not Flag.objects.exists()


def test_the_flag_form_offers_every_reason_to_others_only(community, personas, rf):
    post = community.post_topic(personas.alice_user).posts.get()
    request = rf.get("/")

    form = render_to_string(
        "community/_flag_form.html", {"post": post, "user": personas.bob_user}, request
    )
    own = render_to_string(
        "community/_flag_form.html", {"post": post, "user": personas.alice_user}, request
    )

    assert f'action="/community/posts/{post.pk}/flag/"' in form
    for value in FlagReason.values:
        assert f'value="{value}"' in form
    assert own.strip() == ""
