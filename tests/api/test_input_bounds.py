"""Out-of-range numbers and oversized lists answer 4xx naming the field, never a 500."""

import io

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from helpmesh.api.middleware import RequestSizeLimit

TOO_BIG = str(2**63)
TOO_SMALL = str(-(2**63) - 1)


@pytest.mark.parametrize("param", ["requester", "team", "assignee"])
@pytest.mark.parametrize("value", [TOO_BIG, TOO_SMALL])
def test_an_id_filter_out_of_64_bit_range_names_the_parameter(personas, api, param, value):
    response = api(personas.alice_user).get("/tickets", **{param: value})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid", param)


@pytest.mark.parametrize(
    ("param", "value"), [("offset", "-1"), ("offset", TOO_BIG), ("limit", "0"), ("limit", "201")]
)
def test_customer_paging_out_of_range_names_the_parameter(personas, api, param, value):
    response = api(personas.anna).get("/customers", **{param: value})
    assert response.status_code == 422 and response.json()["field"] == param


def test_the_largest_offset_is_an_empty_page(personas, api):
    response = api(personas.anna).get("/customers", offset=str(2**63 - 1))
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize("value", ["0", "201"])
def test_ticket_page_sizes_are_bounded(personas, api, value):
    response = api(personas.alice_user).get("/tickets", limit=value)
    assert response.status_code == 422 and response.json()["field"] == "limit"


def test_a_body_error_names_the_field_without_the_parameter_name(personas, api):
    response = api(personas.alice_user).post("/tickets", {"body": "x", "subject": 5})
    assert response.status_code == 422 and response.json()["field"] == "subject"
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "subject"]


def test_a_ticket_with_too_many_tags_is_refused_naming_tags(personas, api):
    client = api(personas.anna)
    body = {"body": "x", "requester_email": "c@example.com"}
    response = client.post("/tickets", {**body, "tags": [f"t{n}" for n in range(300_000)]})
    assert response.status_code == 422 and response.json()["field"] == "tags"
    fifty = client.post("/tickets", {**body, "tags": [f"t{n}" for n in range(50)]})
    assert fifty.status_code == 201 and len(fifty.json()["tags"]) == 50
    long_tag = client.post("/tickets", {**body, "tags": ["x" * 101]})
    assert long_tag.status_code == 422 and long_tag.json()["field"] == "tags.0"


@pytest.mark.parametrize("field", ["tags", "add_tags", "remove_tags"])
def test_a_patch_bounds_every_tag_list(personas, api, field):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    response = api(personas.anna).patch(f"/tickets/{ticket.pk}", {field: ["t"] * 51})
    assert response.status_code == 422 and response.json()["field"] == field


def test_attachments_and_custom_fields_are_bounded(personas, api):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    file = {"filename": "a.txt", "content_base64": "eA=="}
    many = api(personas.anna).post(
        f"/tickets/{ticket.pk}/messages", {"body": "x", "attachments": [file] * 21}
    )
    assert many.status_code == 422 and many.json()["field"] == "attachments"
    fields = {f"f{n}": 1 for n in range(101)}
    patch = api(personas.anna).patch(f"/tickets/{ticket.pk}", {"custom_fields": fields})
    assert patch.status_code == 422 and patch.json()["field"] == "custom_fields"


@pytest.mark.parametrize("field", ["identities", "add_identities"])
def test_customer_identity_lists_are_bounded(personas, api, field):
    identities = [{"kind": "phone", "value": f"+1555{n:07}"} for n in range(21)]
    client = api(personas.anna)
    if field == "identities":
        response = client.post("/customers", {"name": "Many", "identities": identities})
    else:
        response = client.patch(f"/customers/{personas.alice.pk}", {"add_identities": identities})
    assert response.status_code == 422 and response.json()["field"] == field


def test_a_long_status_list_is_refused(personas, api):
    response = api(personas.anna).get("/tickets", status="open," * 100)
    assert response.status_code == 422 and response.json()["field"] == "status"


@pytest.mark.parametrize(
    ("field", "setting"),
    [("body", "HELPMESH_MAX_BODY_CHARS"), ("body_html", "HELPMESH_MAX_BODY_HTML_CHARS")],
)
def test_message_bodies_are_capped_by_a_setting(personas, api, settings, field, setting):
    setattr(settings, setting, 20)
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client = api(personas.anna)
    fits = client.post(f"/tickets/{ticket.pk}/messages", {"body": "ok", field: "x" * 20})
    assert fits.status_code == 201
    over = client.post(f"/tickets/{ticket.pk}/messages", {"body": "ok", field: "x" * 21})
    assert over.status_code == 422 and over.json()["field"] == field
    created = client.post(
        "/tickets", {"body": "ok", "requester_email": "c@example.com", field: "x" * 21}
    )
    assert created.status_code == 422 and created.json()["field"] == field


def test_an_oversized_api_request_is_a_413_in_the_error_shape(personas, api, settings):
    settings.HELPMESH_MAX_REQUEST_BYTES = 100
    response = api(personas.alice_user).post("/tickets", {"body": "x" * 200})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large"
    assert api(personas.alice_user).post("/tickets", {"body": "x" * 20}).status_code == 201


def test_the_size_check_does_not_read_the_body(settings):
    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    settings.HELPMESH_MAX_REQUEST_BYTES = 100
    request = RequestFactory().generic("POST", "/api/v1/tickets", b"", CONTENT_LENGTH="5000")
    request.META["wsgi.input"] = Unreadable()
    response = RequestSizeLimit(lambda r: HttpResponse(r.body))(request)
    assert response.status_code == 413
