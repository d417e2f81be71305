"""Every page has an icon, and the /favicon.ico browsers ask for anyway is not a 404."""


def test_favicon_ico_leads_to_the_svg(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.url)
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_the_inbox_and_the_portal_link_the_icon(client, personas):
    assert 'rel="icon"' in client.get("/login/").content.decode()
    client.force_login(personas.alice_user)
    assert 'href="/static/helpmesh/favicon.svg"' in client.get("/portal/").content.decode()
    client.force_login(personas.anna)
    assert 'href="/static/helpmesh/favicon.svg"' in client.get("/inbox/").content.decode()
