"""The base of request bodies."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ValidationInfo, model_validator
from pydantic.functional_validators import ModelWrapValidatorHandler


class BodyIn(Schema):
    """A JSON object body. Ninja's ``Schema`` reads any value by attribute, so ``5`` or ``[]``
    would pass as ``{}`` and a body whose fields are all optional would do something from
    nothing; this refuses them (422) before that reading. Same name: it replaces the parent's.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if not isinstance(values, dict):
            raise ValueError("the body must be a JSON object")
        return super()._run_root_validator(values, handler, info)  # type: ignore[operator]
