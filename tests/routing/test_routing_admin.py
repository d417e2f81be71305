import pytest
from django.forms import modelform_factory

from helpmesh.routing.admin import LayerForm
from helpmesh.routing.models import Layer, SupportModel


@pytest.mark.parametrize(
    "path",
    [
        "/admin/routing/supportmodel/",
        "/admin/routing/supportmodel/add/",
        "/admin/routing/layer/",
        "/admin/routing/calendar/",
        "/admin/routing/slapolicy/",
        "/admin/routing/routingdecision/",
        "/admin/automation/trigger/add/",
        "/admin/automation/webhookdelivery/",
    ],
)
def test_routing_and_automation_admin_pages_open_for_admins(personas, client, path):
    client.force_login(personas.root)
    assert client.get(path).status_code == 200


def test_a_layers_when_is_checked_in_the_admin_naming_the_bad_key(db):
    model = SupportModel.objects.create(name="m", updated_at="2026-03-02T09:00:00Z")
    form = modelform_factory(Layer, form=LayerForm, fields="__all__")  # as the admin builds it
    data = {"model": model.pk, "position": 0, "kind": "tiered", "settings": '{"levels": ["l1"]}'}
    good = form(data={**data, "when": '{"channel": ["email"]}'})
    assert good.is_valid(), good.errors
    bad = form(data={**data, "when": '{"chanel": "email"}'})
    assert not bad.is_valid()
    assert bad.non_field_errors()[0].startswith("when.chanel: unknown condition 'chanel'")


def test_a_layer_with_conditions_opens_in_the_admin(personas, client, desk):
    desk.model(
        "models: [{name: m, layers: [{kind: department, when: {channel: [chat]}, settings: {}}]}]"
    )
    client.force_login(personas.root)
    page = client.get(f"/admin/routing/layer/{Layer.objects.get().pk}/change/")
    assert page.status_code == 200 and "chat" in page.content.decode()
