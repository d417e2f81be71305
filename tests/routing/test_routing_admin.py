import pytest


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
