"""Automation over REST: admins manage triggers, macros and webhooks; agents apply macros to the
tickets they can see; admins read delivery logs and redeliver."""

from __future__ import annotations

import pytest

from helpmesh.accounts import services as accounts
from helpmesh.automation import targets
from helpmesh.automation.models import DeliveryState, Macro, Trigger, Webhook, WebhookDelivery
from helpmesh.core import clock
from helpmesh.core.models import AuditEvent

SECRET = "a-long-enough-secret"


@pytest.fixture
def dns(monkeypatch):
    """crm.example is a public host; everything else resolves as usual (literals only)."""
    real = targets.resolve

    def resolve(host: str, port: int):
        if host == "crm.example":
            return [targets.ipaddress.ip_address("93.184.216.34")]
        return real(host, port)

    monkeypatch.setattr(targets, "resolve", resolve)


def trigger_body(**overrides):
    return {
        "name": "vip",
        "event": "created",
        "when": {"subject_contains": "vip"},
        "actions": [{"set_priority": "high"}, {"add_tags": ["vip"]}],
    } | overrides


# Triggers


def test_an_admin_creates_reads_changes_and_deletes_a_trigger(personas, api):
    root = api(personas.root)
    created = root.post("/triggers", trigger_body())
    assert created.status_code == 201
    trigger_id = created.json()["id"]
    assert created.json()["actions"] == [{"set_priority": "high"}, {"add_tags": ["vip"]}]
    assert [t["name"] for t in root.get("/triggers").json()] == ["vip"]
    changed = root.patch(f"/triggers/{trigger_id}", {"is_active": False, "position": 3})
    assert changed.status_code == 200
    assert (changed.json()["is_active"], changed.json()["position"]) == (False, 3)
    assert changed.json()["event"] == "created"  # untouched by the PATCH
    assert root.delete(f"/triggers/{trigger_id}").status_code == 204
    assert root.get(f"/triggers/{trigger_id}").status_code == 404
    kinds = list(AuditEvent.objects.filter(subject_type="trigger").values_list("kind", flat=True))
    assert kinds == [
        "automation.trigger_created",
        "automation.trigger_changed",
        "automation.trigger_deleted",
    ]


def test_a_trigger_made_over_the_api_runs_on_new_tickets(personas, api):
    api(personas.root).post("/triggers", trigger_body())
    ticket = personas.ticket_for(personas.alice_user, subject="VIP order missing")
    ticket.refresh_from_db()
    assert ticket.priority == "high"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (trigger_body(actions=[{"add_tags": ["x"]}, {"route": True}, {"set_colour": "red"}]),
         "actions[2].set_colour"),
        (trigger_body(actions=[{"set_priority": "urgentest"}]), "actions[0].set_priority"),
        (trigger_body(actions=[{"assign_team": "nobody"}]), "actions[0].assign_team"),
        (trigger_body(actions=[{"webhook": "no-such-hook"}]), "actions[0].webhook"),
        (trigger_body(actions=[{"reply": "Hi {% if %}"}]), "actions[0].reply"),
        (trigger_body(when={"tier": "two"}), "when.tier"),
        (trigger_body(when={"moon_phase": "full"}), "when.moon_phase"),
        (trigger_body(event="someday"), "event"),
        (trigger_body(position=-1), "position"),
    ],
)  # fmt: skip
def test_a_bad_trigger_answers_400_naming_the_field(personas, api, body, field):
    response = api(personas.root).post("/triggers", body)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid", field)
    assert not Trigger.objects.exists()


def test_a_bad_patch_changes_nothing(personas, api):
    root = api(personas.root)
    trigger_id = root.post("/triggers", trigger_body()).json()["id"]
    response = root.patch(f"/triggers/{trigger_id}", {"name": "renamed", "actions": [{"x": 1}]})
    assert response.json()["field"] == "actions[0].x"
    assert Trigger.objects.get().name == "vip"
    assert root.patch(f"/triggers/{trigger_id}", {"name": None}).json()["field"] == "name"


def test_a_taken_name_answers_409(personas, api):
    root = api(personas.root)
    root.post("/triggers", trigger_body())
    response = root.post("/triggers", trigger_body())
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("name_taken", "name")


def test_a_missing_field_is_a_422_naming_it(personas, api):
    response = api(personas.root).post("/triggers", {"name": "no event"})
    assert response.status_code == 422
    assert "event" in str(response.json())


@pytest.mark.parametrize("who", ["anna", "lisa", "alice_user"])
def test_only_admins_manage_triggers(personas, api, who):
    client = api(getattr(personas, who))
    assert client.get("/triggers").status_code == 403
    assert client.post("/triggers", trigger_body()).status_code == 403
    assert api(None).get("/triggers").status_code == 401
    assert not Trigger.objects.exists()


# Macros


@pytest.fixture
def macros(personas):
    return {
        "duplicate": Macro.objects.create(
            name="Close as duplicate",
            actions=[{"set_status": "solved"}, {"add_tags": ["duplicate"]}],
            reply="This is a duplicate of an earlier request, {{ requester.name }}.",
        ),
        "retired": Macro.objects.create(name="Old refund policy", is_active=False),
    }


def test_agents_list_the_active_macros_admins_list_all(personas, api, macros):
    assert [m["name"] for m in api(personas.anna).get("/macros").json()] == ["Close as duplicate"]
    assert api(personas.lisa).get("/macros").json() == []  # light agents cannot apply macros
    assert len(api(personas.root).get("/macros").json()) == 2
    assert api(personas.alice_user).get("/macros").status_code == 403
    assert api(personas.anna).get(f"/macros/{macros['retired'].pk}").status_code == 404


def test_an_admin_manages_macros_and_a_bad_reply_names_the_field(personas, api, macros):
    root = api(personas.root)
    created = root.post("/macros", {"name": "Ask for logs", "reply": "Could you send logs?"})
    assert created.status_code == 201
    bad = root.patch(f"/macros/{created.json()['id']}", {"reply": "{% unknowntag %}"})
    assert (bad.status_code, bad.json()["field"]) == (400, "reply")
    assert root.delete(f"/macros/{created.json()['id']}").status_code == 204
    assert api(personas.anna).post("/macros", {"name": "Mine"}).status_code == 403


def test_an_agent_applies_a_macro_to_a_ticket_they_can_see(personas, api, macros):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    response = api(personas.anna).post(f"/tickets/{ticket.pk}/macros/{macros['duplicate'].pk}")
    assert response.status_code == 200
    assert response.json()["status"] == "solved" and response.json()["tags"] == ["duplicate"]
    reply = ticket.messages.last()
    assert (reply.author_user, reply.internal) == (personas.anna, False)
    assert reply.body_text == "This is a duplicate of an earlier request, Alice."
    events = api(personas.anna).get(f"/tickets/{ticket.pk}/events").json()
    assert "automation.macro_applied" in [e["kind"] for e in events]


def test_applying_a_macro_follows_the_agents_permissions(personas, api, macros):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    path = f"/tickets/{ticket.pk}/macros/{macros['duplicate'].pk}"
    assert api(personas.ben).post(path).status_code == 404  # another team's ticket
    assert api(personas.lisa).post(path).status_code == 403
    assert api(personas.alice_user).post(path).status_code == 403
    retired = f"/tickets/{ticket.pk}/macros/{macros['retired'].pk}"
    assert api(personas.anna).post(retired).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.messages.count() == 1


def test_a_macro_whose_team_is_gone_applies_nothing(personas, api):
    team = accounts.create_team("Escalations")
    macro = Macro.objects.create(
        name="Escalate", actions=[{"assign_team": team.slug}], reply="Passing this on."
    )
    team.delete()
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    response = api(personas.anna).post(f"/tickets/{ticket.pk}/macros/{macro.pk}")
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == (
        "macro_broken",
        "actions[0].assign_team",
    )
    assert ticket.messages.count() == 1


# Webhooks


def test_a_webhook_secret_is_write_only(personas, api, dns):
    root = api(personas.root)
    created = root.post(
        "/webhooks",
        {"name": "crm", "url": "https://crm.example/hook", "secret": SECRET, "events": []},
    )
    assert created.status_code == 201
    webhook_id = created.json()["id"]
    answers = [
        created.json(),
        root.get(f"/webhooks/{webhook_id}").json(),
        root.get("/webhooks").json()[0],
        root.patch(f"/webhooks/{webhook_id}", {"secret": "rotated-and-long-enough"}).json(),
    ]
    for answer in answers:
        assert answer["has_secret"] is True and "secret" not in answer
        assert SECRET not in str(answer)
    assert Webhook.objects.get().secret == "rotated-and-long-enough"
    audited = AuditEvent.objects.filter(subject_type="webhook").values_list("data", flat=True)
    assert not any(SECRET in str(data) or "rotated" in str(data) for data in audited)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1:8080/hook", "unsafe_url"),
        ("http://10.0.0.8/hook", "unsafe_url"),
        ("http://169.254.169.254/latest/meta-data/", "unsafe_url"),
        ("http://[::1]/hook", "unsafe_url"),
        ("file:///etc/passwd", "unsafe_url"),
        ("https://does-not-resolve.invalid/", "invalid"),
    ],
)
def test_a_webhook_to_a_non_public_url_is_refused_naming_url(personas, api, url, code):
    response = api(personas.root).post(
        "/webhooks", {"name": "x", "url": url, "secret": SECRET, "events": []}
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, "url")
    assert not Webhook.objects.exists()


def test_webhook_fields_are_checked(personas, api, dns):
    root = api(personas.root)
    body = {"name": "crm", "url": "https://crm.example/", "secret": SECRET}
    short = root.post("/webhooks", body | {"secret": "short"})
    assert short.status_code == 422 and "secret" in str(short.json())
    events = root.post("/webhooks", body | {"events": ["ticket.created", "ticket.exploded"]})
    assert (events.status_code, events.json()["field"]) == (400, "events[1]")
    slug = root.post("/webhooks", body | {"name": "has spaces"})
    assert (slug.status_code, slug.json()["field"]) == (400, "name")


def test_only_admins_see_webhooks(personas, api):
    Webhook.objects.create(name="crm", url="https://crm.example/", secret=SECRET)
    assert api(personas.anna).get("/webhooks").status_code == 403
    assert api(personas.anna).get("/webhooks/1/deliveries").status_code == 403


# Deliveries


@pytest.fixture
def deliveries(personas):
    hook = Webhook.objects.create(name="crm", url="https://crm.example/", secret=SECRET)
    now = clock.now()
    failed = WebhookDelivery.objects.create(
        webhook=hook,
        event="ticket.created",
        payload={"event": "ticket.created", "ticket": {"id": 7}},
        state=DeliveryState.FAILED,
        attempts=6,
        last_error="HTTP 503",
        response_status=503,
        created_at=now,
    )
    pending = WebhookDelivery.objects.create(
        webhook=hook, event="ticket.updated", payload={}, attempts=1, created_at=now
    )
    return {"hook": hook, "failed": failed, "pending": pending}


def test_an_admin_reads_the_recent_deliveries(personas, api, deliveries):
    hook = deliveries["hook"]
    rows = api(personas.root).get(f"/webhooks/{hook.pk}/deliveries").json()
    assert {r["id"] for r in rows} == {deliveries["failed"].pk, deliveries["pending"].pk}
    failed = next(r for r in rows if r["id"] == deliveries["failed"].pk)
    assert (failed["state"], failed["attempts"], failed["last_error"]) == ("failed", 6, "HTTP 503")
    only_failed = api(personas.root).get(f"/webhooks/{hook.pk}/deliveries", state="failed").json()
    assert [r["id"] for r in only_failed] == [deliveries["failed"].pk]


def test_redelivering_queues_the_same_event_as_a_new_delivery(
    personas, api, deliveries, monkeypatch, django_capture_on_commit_callbacks
):
    from helpmesh.automation import webhooks

    sent = []
    monkeypatch.setattr(webhooks, "post", lambda url, body, headers: sent.append(body) or 200)
    hook, failed = deliveries["hook"], deliveries["failed"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api(personas.root).post(f"/webhooks/{hook.pk}/deliveries/{failed.pk}/redeliver")
    assert response.status_code == 202
    again = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert again.pk != failed.pk and again.payload == failed.payload
    assert again.state == DeliveryState.DELIVERED and len(sent) == 1
    failed.refresh_from_db()
    assert failed.state == DeliveryState.FAILED  # the log keeps what happened


def test_a_pending_delivery_is_not_redelivered(personas, api, deliveries):
    hook, pending = deliveries["hook"], deliveries["pending"]
    response = api(personas.root).post(f"/webhooks/{hook.pk}/deliveries/{pending.pk}/redeliver")
    assert (response.status_code, response.json()["code"]) == (409, "pending")
    other = Webhook.objects.create(name="other", url="https://crm.example/", secret=SECRET)
    path = f"/webhooks/{other.pk}/deliveries/{deliveries['failed'].pk}/redeliver"
    assert api(personas.root).post(path).status_code == 404
    assert WebhookDelivery.objects.count() == 2
