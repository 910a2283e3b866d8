"""Shared API pieces: errors and the principal behind a request."""

import types
import typing
from typing import Annotated

from ninja import Field, Schema
from pydantic import model_validator


class ErrorOut(Schema):
    detail: str


def principal(request):
    """The user or organisation token the request was authenticated as."""
    return request.auth


# PostgreSQL cannot store NUL in text: a body field of this type refuses it (422, not a 500 at
# the database), and the OpenAPI document says so.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]


def _accepts(annotation) -> set[type]:
    """The plain JSON types a field's annotation takes: int, float, bool (others ignored)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(_accepts(arg) for arg in args))
    return {annotation} & {int, float, bool}


class ExactInput(Schema):
    """An input whose numbers and booleans must be exactly that in the JSON: pydantic alone would
    take true as 1 and "5" as 5, which the OpenAPI document says are not numbers (a whole float
    such as 2062.0 is still the integer 2062, as JSON Schema has it). Bounds stay on the fields
    (`Field(ge=…)`), so the document states them."""

    @model_validator(mode="before")
    @classmethod
    def _exact_types(cls, data):
        raw = getattr(data, "_obj", data)  # django-ninja hands validators a DjangoGetter
        if not isinstance(raw, dict):
            return data
        errors = []
        for name, field in cls.model_fields.items():
            wanted = _accepts(field.annotation)
            if name not in raw or raw[name] is None or not wanted:
                continue
            value = raw[name]
            if bool in wanted and isinstance(value, bool):
                continue
            if (
                wanted & {int, float}
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                continue
            errors.append(f"{name}: give {'true or false' if bool in wanted else 'a number'}")
        if errors:
            raise ValueError("; ".join(errors))
        return data
