"""Out-of-range numbers and oversized lists answer 4xx naming the field, never a 500."""

import pytest

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
