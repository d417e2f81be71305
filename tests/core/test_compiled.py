"""A query compiled once answers exactly what the ORM answers, for any values, in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import ApiToken, User
from helpmesh.core.compiled import CompiledQuery
from helpmesh.customers.models import Customer


def _tokens_by_digest(digest: str):
    return ApiToken.objects.select_related("user", "user__customer").filter(digest=digest)


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_instances_equal_the_orms_with_related_rows_loaded(personas):
    accounts.issue_token(personas.alice_user)
    accounts.issue_token(personas.anna)
    query = CompiledQuery(_tokens_by_digest, "digest")
    for token in ApiToken.objects.all():
        expected = _tokens_by_digest(token.digest).get()
        [found] = query.run(digest=token.digest)
        assert _fields(found) == _fields(expected)  # datetimes stay aware on SQLite too
        with CaptureQueriesContext(connection) as queries:
            assert _fields(found.user) == _fields(expected.user)
            if expected.user.is_agent:
                with pytest.raises(Customer.DoesNotExist):
                    found.user.customer  # noqa: B018 - known absent, no query
            else:
                assert _fields(found.user.customer) == _fields(expected.user.customer)
        assert queries.captured_queries == []


@pytest.mark.django_db
def test_each_run_takes_its_own_value_and_builds_the_queryset_once(personas):
    accounts.issue_token(personas.alice_user)
    builds = []

    def build(email: str):
        builds.append(email)
        return User.objects.filter(email=email)

    query = CompiledQuery(build, "email")
    assert [u.pk for u in query.run(email=personas.alice_user.email)] == [personas.alice_user.pk]
    with CaptureQueriesContext(connection) as queries:
        assert query.run(email="nobody@example.com") == []
        assert [u.pk for u in query.run(email=personas.anna.email)] == [personas.anna.pk]
    assert len(queries.captured_queries) == 2
    assert len(builds) == 1


@pytest.mark.django_db
def test_queries_it_cannot_compile_safely_are_refused(personas):
    as_values = CompiledQuery(lambda email: User.objects.filter(email=email).values(), "email")
    with pytest.raises(ValueError, match="plain model instances"):
        as_values.run(email="a@example.com")
    rewritten = CompiledQuery(lambda email: User.objects.filter(email__icontains=email), "email")
    with pytest.raises(ValueError, match="placeholder 'email'"):
        rewritten.run(email="a@example.com")  # the parameter would be %a@example.com%
    with pytest.raises(TypeError, match="expected values for"):
        CompiledQuery(lambda email: User.objects.filter(email=email), "email").run(mail="x")


def _row(model, pk) -> dict:
    fields = _fields(model.objects.get(pk=pk))
    fields.pop("id")
    return fields


@pytest.mark.django_db
def test_insert_writes_the_row_the_orm_writes(personas):
    from helpmesh.conversations.models import InboundContact
    from helpmesh.core import clock
    from helpmesh.core.compiled import insert

    now = clock.now()
    values = dict(channel="api", raw=b"{}", received_at=now, state="processed", error="")
    by_orm = InboundContact.objects.create(**values)
    with CaptureQueriesContext(connection) as queries:
        compiled = insert(InboundContact(**values))
    assert len(queries.captured_queries) == 1
    assert compiled.pk and compiled.pk != by_orm.pk
    assert _row(InboundContact, compiled.pk) == _row(InboundContact, by_orm.pk)
    compiled.error = "later"
    compiled.save()  # an UPDATE now: the instance knows it is stored
    assert InboundContact.objects.count() == 2
    assert InboundContact.objects.get(pk=compiled.pk).error == "later"


@pytest.mark.django_db
def test_insert_takes_the_orms_path_for_models_someone_listens_to(personas):
    from django.db.models.signals import post_save

    from helpmesh.conversations.models import InboundContact
    from helpmesh.core import clock
    from helpmesh.core.compiled import insert

    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(receiver, sender=InboundContact, weak=False)
    try:
        contact = insert(InboundContact(channel="api", raw=b"", received_at=clock.now()))
    finally:
        post_save.disconnect(receiver, sender=InboundContact)
    assert heard == [(contact.pk, True)]


@pytest.mark.django_db
def test_insert_takes_the_orms_path_for_a_custom_save_or_an_expression(personas, monkeypatch):
    from django.db.models.functions import Now

    from helpmesh.conversations.models import InboundContact
    from helpmesh.core import clock
    from helpmesh.core.compiled import insert

    saved = []
    plain_save = InboundContact.save

    def custom_save(self, *args, **kwargs):
        saved.append(self)
        return plain_save(self, *args, **kwargs)

    monkeypatch.setattr(InboundContact, "save", custom_save)
    contact = insert(InboundContact(channel="api", raw=b"", received_at=clock.now()))
    assert saved == [contact] and contact.pk
    monkeypatch.undo()

    by_database_clock = insert(InboundContact(channel="api", raw=b"", received_at=Now()))
    assert InboundContact.objects.get(pk=by_database_clock.pk).received_at is not None
