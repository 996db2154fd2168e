"""The one place where errors become HTTP responses, all in the same envelope."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import JsonValue
from starlette.exceptions import HTTPException as StarletteHTTPException

from portfolio_api.core.errors import (
    Conflict,
    DependencyUnavailable,
    DomainError,
    InvalidCredentials,
    InvalidToken,
    InvalidUpload,
    NotAuthenticated,
    NotFound,
    PasswordRejected,
    PayloadTooLarge,
    PermissionDenied,
    PreconditionFailed,
    RateLimited,
    SignInChallenge,
)
from portfolio_api.models.errors import ErrorResponse
from portfolio_api.models.fields import TOO_LARGE

# Most specific first: the first isinstance match decides.
_STATUS_BY_ERROR: tuple[tuple[type[DomainError], HTTPStatus], ...] = (
    (NotAuthenticated, HTTPStatus.UNAUTHORIZED),
    (InvalidCredentials, HTTPStatus.UNAUTHORIZED),
    (SignInChallenge, HTTPStatus.FORBIDDEN),
    (PermissionDenied, HTTPStatus.FORBIDDEN),
    (RateLimited, HTTPStatus.TOO_MANY_REQUESTS),
    (DependencyUnavailable, HTTPStatus.SERVICE_UNAVAILABLE),
    (NotFound, HTTPStatus.NOT_FOUND),
    (PreconditionFailed, HTTPStatus.PRECONDITION_FAILED),
    (Conflict, HTTPStatus.CONFLICT),
    (PayloadTooLarge, HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
    (PasswordRejected, HTTPStatus.BAD_REQUEST),
    (InvalidUpload, HTTPStatus.BAD_REQUEST),
)
_DEFAULT_MESSAGES = {
    HTTPStatus.NOT_FOUND: "The requested resource was not found",
    HTTPStatus.METHOD_NOT_ALLOWED: "This method is not allowed on this path",
}


def error_response(
    *,
    status: HTTPStatus,
    message: str,
    details: Mapping[str, JsonValue] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(
        error=status.phrase,
        message=message,
        statusCode=status.value,
        details=dict(details) if details is not None else None,
    )
    return JSONResponse(body.model_dump(), status_code=status.value, headers=headers)


ERROR_SCHEMA = "ErrorResponse"
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting the envelope for these statuses.

    A `$ref`, not `model=ErrorResponse`: FastAPI builds a validator for every model of every
    route, and these 150 made the cold start's import 70-80 ms slower (docs/PERFORMANCE.md).
    The factory's `openapi()` adds the schema they point at.
    """
    return {
        status: {"description": HTTPStatus(status).phrase, "content": _ERROR_CONTENT}
        for status in statuses
    }


def error_schemas() -> dict[str, Any]:
    """The envelope's schema, and those it refers to, as OpenAPI components."""
    schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    referred: dict[str, Any] = schema.pop("$defs", {})
    return {ERROR_SCHEMA: schema, **referred}


def status_of(error: DomainError) -> HTTPStatus:
    for error_type, status in _STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return HTTPStatus.INTERNAL_SERVER_ERROR


def _headers_for(error: DomainError) -> dict[str, str]:
    if isinstance(error, InvalidToken):
        return {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    if isinstance(error, NotAuthenticated):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.retry_after_seconds)}
    if isinstance(error, DependencyUnavailable):
        return {"Retry-After": "5"}
    return {}


def _render_domain_error(exc: DomainError) -> JSONResponse:
    return error_response(
        status=status_of(exc), message=exc.message, details=exc.details, headers=_headers_for(exc)
    )


def _render_http_error(exc: StarletteHTTPException) -> JSONResponse:
    status = HTTPStatus(exc.status_code)
    message = exc.detail if exc.detail and exc.detail != status.phrase else None
    return error_response(
        status=status,
        message=message or _DEFAULT_MESSAGES.get(status, status.phrase),
        headers=exc.headers,
    )


def _render_validation_error(exc: RequestValidationError) -> JSONResponse:
    """400, naming the fields; 413 when a field is over the size this API stores."""
    errors = exc.errors()
    problems = [_problem(error) for error in errors] or [
        {"field": "request", "location": "request", "issue": "is invalid"}
    ]
    too_large = any(error.get("type") == TOO_LARGE for error in errors)
    first = next(
        (
            problem
            for problem, error in zip(problems, errors, strict=False)
            if error.get("type") == TOO_LARGE
        ),
        problems[0],
    )
    return error_response(
        status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE if too_large else HTTPStatus.BAD_REQUEST,
        message=f"Invalid request: {first['field']}: {first['issue']}",
        details={
            "field": first["field"],
            "issue": first["issue"],
            "errors": list[JsonValue](problems),
        },
    )


def _problem(error: Mapping[str, Any]) -> dict[str, JsonValue]:
    """One failing field. The offending input is left out: it may be a password."""
    location: Sequence[str | int] = error.get("loc", ())
    path = [str(part) for part in location[1:]]
    named = (error.get("ctx") or {}).get("field")
    return {
        "field": named or ".".join(path) or str(location[0] if location else "request"),
        "location": str(location[0]) if location else "request",
        "issue": str(error.get("msg", "is invalid")),
    }


def _handler[E: Exception](
    kind: type[E], render: Callable[[E], JSONResponse]
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(_: Request, exc: Exception) -> Response:
        if not isinstance(exc, kind):
            raise exc
        return render(exc)

    return handle


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _handler(DomainError, _render_domain_error))
    app.add_exception_handler(
        StarletteHTTPException, _handler(StarletteHTTPException, _render_http_error)
    )
    app.add_exception_handler(
        RequestValidationError, _handler(RequestValidationError, _render_validation_error)
    )
