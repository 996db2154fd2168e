"""FastAPI dependencies, as the Annotated aliases routes declare."""

from collections.abc import Awaitable, Callable
from typing import Annotated, cast

from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.client_ip import client_ip
from portfolio_api.config import Settings
from portfolio_api.container import Container
from portfolio_api.core.errors import InvalidToken, NotAuthenticated, PermissionDenied
from portfolio_api.models.analytics import VisitorSignal
from portfolio_api.models.content import Precondition
from portfolio_api.models.identity import Principal
from portfolio_api.services.auth import AuthService
from portfolio_api.services.health import HealthService
from portfolio_api.services.posts import PostService
from portfolio_api.services.views import ViewService
from portfolio_api.services.visitors import VisitorService

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="The Cognito ID token (`token`) returned by `POST /v1/auth/login`.",
)


def container_of(request: Request) -> Container:
    """Not a dependency of its own: each extra dependency costs every request a solve step."""
    return cast(Container, request.app.state.container)


def from_container[T](pick: Callable[[Container], T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency handing out one part of the app's container."""

    async def dependency(request: Request) -> T:
        return pick(container_of(request))

    return dependency


app_settings = from_container(lambda container: container.settings)
get_auth_service = from_container(lambda container: container.auth)
get_health_service = from_container(lambda container: container.health)
get_post_service = from_container(lambda container: container.posts)
get_project_service = from_container(lambda container: container.projects)
get_certification_service = from_container(lambda container: container.certifications)
get_visitor_service = from_container(lambda container: container.visitors)
get_view_service = from_container(lambda container: container.views)


SettingsDep = Annotated[Settings, Depends(app_settings)]
AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
HealthServiceDep = Annotated[HealthService, Depends(get_health_service)]


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]


async def optional_user(request: Request, credentials: BearerCredentials) -> Principal | None:
    """Anonymous callers pass at once; a token that is present must be valid."""
    if credentials is None or not credentials.credentials:
        if "authorization" in request.headers:
            raise InvalidToken("The Authorization header must read `Bearer <token>`")
        return None
    auth = container_of(request).auth
    return await run_blocking(auth.authenticate, token=credentials.credentials)


OptionalUser = Annotated[Principal | None, Depends(optional_user)]


async def current_user(request: Request, credentials: BearerCredentials) -> Principal:
    """Calls `optional_user` itself rather than depending on it: each level of dependencies
    costs FastAPI work per route at a cold start and per request after."""
    user = await optional_user(request, credentials)
    if user is None:
        raise NotAuthenticated("Authentication token is missing")
    return user


CurrentUser = Annotated[Principal, Depends(current_user)]


async def require_owner(request: Request, credentials: BearerCredentials) -> Principal:
    user = await current_user(request, credentials)
    if not user.is_owner:
        raise PermissionDenied("Only the site owner may do this")
    return user


Owner = Annotated[Principal, Depends(require_owner)]


PostServiceDep = Annotated[PostService, Depends(get_post_service)]
VisitorServiceDep = Annotated[VisitorService, Depends(get_visitor_service)]
ViewServiceDep = Annotated[ViewService, Depends(get_view_service)]


async def client_address(request: Request) -> str:
    """The caller's IP, for counting and limiting only: never stored, logged or traced."""
    return client_ip(
        request.scope,
        forwarded_for=request.headers.get("x-forwarded-for"),
        trusted_hops=container_of(request).settings.trusted_proxy_hops,
    )


ClientIp = Annotated[str, Depends(client_address)]


async def visitor_signal(request: Request, ip: ClientIp) -> VisitorSignal:
    return VisitorSignal(ip=ip, user_agent=request.headers.get("user-agent", ""))


Visitor = Annotated[VisitorSignal, Depends(visitor_signal)]


async def if_match(
    header: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The `ETag` this change is based on; a stale one gives 412.",
        ),
    ] = None,
) -> Precondition | None:
    return None if header is None else Precondition.from_header(header)


IfMatch = Annotated[Precondition | None, Depends(if_match)]
