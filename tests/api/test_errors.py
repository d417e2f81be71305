"""The error shape's helpers: which field a refusal names."""

from django.db import IntegrityError

from helpmesh.api.errors import conflicting_field, field_of


def test_a_unique_conflict_names_its_column_on_either_database():
    assert conflicting_field(IntegrityError("UNIQUE constraint failed: accounts_team.slug")) == (
        "slug"
    )
    postgres = 'duplicate key value violates unique constraint "x"\nDETAIL:  Key (name)=(Ops)'
    assert conflicting_field(IntegrityError(postgres)) == "name"
    assert conflicting_field(IntegrityError("NOT NULL constraint failed")) == ""


def test_a_schema_error_names_the_input_not_the_parameter():
    assert field_of([{"loc": ("body", "payload", "attachments", 0, "filename")}]) == (
        "attachments.0.filename"
    )
    assert field_of([{"loc": ("query", "limit")}]) == "limit"
    assert field_of([]) == ""
