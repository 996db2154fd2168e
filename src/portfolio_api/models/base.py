"""Base schemas: camelCase on the wire, unknown request fields refused."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Schema(BaseModel):
    """Fields by their Python names in code, camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True, frozen=True
    )


class RequestSchema(Schema):
    """A body a client sends: camelCase only, and nothing the schema does not name."""

    model_config = ConfigDict(validate_by_name=False, extra="forbid")


class ResponseSchema(Schema):
    """A body the API sends."""
