from pydantic import BaseModel, JsonValue


class ErrorResponse(BaseModel):
    """The one envelope every error response uses."""

    error: str
    message: str
    statusCode: int  # noqa: N815  # the frontend contract's spelling
    details: dict[str, JsonValue] | None = None
