import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/core/auditevent/",
        "/admin/conversations/inboundcontact/",
        "/admin/customers/customer/",
        "/admin/conversations/customfield/",
        "/admin/accounts/team/",
    ],
)
def test_admin_pages_open_for_admins_only(personas, client, path):
    personas.ticket_for(personas.alice_user)
    client.force_login(personas.root)
    assert client.get(path).status_code == 200
    client.force_login(personas.anna)
    assert client.get(path).status_code == 302


def test_admin_adds_changes_and_deletions_are_audit_events(personas, client):
    from helpmesh.automation.models import Macro
    from helpmesh.core.audit import verify_chain
    from helpmesh.core.models import AuditEvent

    client.force_login(personas.root)
    form = {"name": "Refund", "description": "", "is_active": "on", "actions": "[]", "reply": ""}
    assert client.post("/admin/automation/macro/add/", form).status_code == 302
    macro = Macro.objects.get(name="Refund")
    changed = {**form, "reply": "We have refunded you."}
    assert client.post(f"/admin/automation/macro/{macro.pk}/change/", changed).status_code == 302
    bulk_delete = {"action": "delete_selected", "_selected_action": [macro.pk], "post": "yes"}
    assert client.post("/admin/automation/macro/", bulk_delete).status_code == 302
    assert not Macro.objects.exists()

    events = AuditEvent.objects.filter(subject_type="automation.macro").order_by("seq")
    assert [(e.kind, e.subject_id, e.actor_id) for e in events] == [
        ("admin.created", macro.pk, personas.root.pk),
        ("admin.changed", macro.pk, personas.root.pk),
        ("admin.deleted", macro.pk, personas.root.pk),
    ]
    assert "Reply" in events[1].data["change"][0]["changed"]["fields"]
    assert all(isinstance(step, int) for step in verify_chain())


def trigger_form(name: str, actions: str) -> dict[str, str]:
    """The admin's add-trigger form for a trigger on every new ticket."""
    return {
        "name": name,
        "event": "created",
        "position": "10",
        "is_active": "on",
        "when": "{}",
        "actions": actions,
    }


def test_admin_trigger_actions_must_name_what_exists(personas, client):
    from helpmesh.automation.models import Trigger

    client.force_login(personas.root)
    form = trigger_form("Route billing", '[{"assign_team": "no-such-team"}]')
    answer = client.post("/admin/automation/trigger/add/", form)
    assert answer.status_code == 200  # the form again, with the error
    assert "no team with the slug" in answer.content.decode()
    assert not Trigger.objects.exists()


def test_an_admin_change_applies_to_the_next_ticket_in_this_process(
    personas, client, settings, django_capture_on_commit_callbacks
):
    from helpmesh.automation import services
    from helpmesh.core import config_cache

    settings.HELPMESH_CONFIG_CACHE_SECONDS = 60
    config_cache.forget()
    assert services.active_triggers("created") == []  # now cached for a minute
    client.force_login(personas.root)
    form = trigger_form("Tag everything", '[{"add_tags": ["seen"]}]')
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/admin/automation/trigger/add/", form).status_code == 302
    assert [t.name for t in services.active_triggers("created")] == ["Tag everything"]
    config_cache.forget()
