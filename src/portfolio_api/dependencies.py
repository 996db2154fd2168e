"""FastAPI dependencies, as the Annotated aliases routes declare."""

from typing import Annotated, cast

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from portfolio_api.config import Settings
from portfolio_api.container import Container
from portfolio_api.core.errors import InvalidToken, NotAuthenticated, PermissionDenied
from portfolio_api.models.identity import Principal
from portfolio_api.services.auth import AuthService
from portfolio_api.services.health import HealthService

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="The Cognito ID token (`token`) returned by `POST /v1/auth/login`.",
)


async def get_container(request: Request) -> Container:
    return cast(Container, request.app.state.container)


ContainerDep = Annotated[Container, Depends(get_container)]


async def app_settings(container: ContainerDep) -> Settings:
    return container.settings


async def get_auth_service(container: ContainerDep) -> AuthService:
    return container.auth


async def get_health_service(container: ContainerDep) -> HealthService:
    return container.health


SettingsDep = Annotated[Settings, Depends(app_settings)]
AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
HealthServiceDep = Annotated[HealthService, Depends(get_health_service)]


async def bearer_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> str | None:
    if credentials is not None and credentials.credentials:
        return credentials.credentials
    if "authorization" in request.headers:
        raise InvalidToken("The Authorization header must read `Bearer <token>`")
    return None


def optional_user(
    token: Annotated[str | None, Depends(bearer_token)], auth: AuthServiceDep
) -> Principal | None:
    """Anonymous callers pass; a token that is present must be valid."""
    return None if token is None else auth.authenticate(token=token)


OptionalUser = Annotated[Principal | None, Depends(optional_user)]


async def current_user(user: OptionalUser) -> Principal:
    if user is None:
        raise NotAuthenticated("Authentication token is missing")
    return user


CurrentUser = Annotated[Principal, Depends(current_user)]


async def require_owner(user: CurrentUser) -> Principal:
    if not user.is_owner:
        raise PermissionDenied("Only the site owner may do this")
    return user


Owner = Annotated[Principal, Depends(require_owner)]
