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
