"""FastAPI dependencies, as the Annotated aliases routes declare: who calls, and what with.

They are `async`: FastAPI runs a sync one on a worker thread. `optional_user` reads the
revocation record, so it hands that call to `run_blocking`, as routes do with services.
"""

from collections.abc import Sequence
from typing import Annotated, Any, cast

from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.routing import BaseRoute

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.client_ip import client_ip
from portfolio_api.api.routes import calls, served
from portfolio_api.api.stale_token import mark_stale_token
from portfolio_api.config import Settings
from portfolio_api.container import Container
from portfolio_api.core.errors import InvalidToken, NotAuthenticated, PermissionDenied
from portfolio_api.models.analytics import VisitorSignal
from portfolio_api.models.certifications import Certification
from portfolio_api.models.content import Precondition
from portfolio_api.models.identity import Principal
from portfolio_api.models.projects import Project
from portfolio_api.services.audience import AudienceService
from portfolio_api.services.auth import AuthService
from portfolio_api.services.content import ContentService
from portfolio_api.services.feeds import FeedService
from portfolio_api.services.health import HealthService
from portfolio_api.services.media import MediaService
from portfolio_api.services.posts import PostService
from portfolio_api.services.previews import PreviewService
from portfolio_api.services.sitemap import SitemapService
from portfolio_api.services.views import ViewService
from portfolio_api.services.visitors import VisitorService

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="The Cognito ID token (`token`) returned by `POST /v1/auth/login`.",
)


async def get_container(request: Request) -> Container:
    return cast(Container, request.app.state.container)


ContainerDep = Annotated[Container, Depends(get_container)]


async def get_settings(container: ContainerDep) -> Settings:
    return container.settings


async def get_auth_service(container: ContainerDep) -> AuthService:
    return container.auth


async def get_health_service(container: ContainerDep) -> HealthService:
    return container.health


async def get_post_service(container: ContainerDep) -> PostService:
    return container.posts


async def get_project_service(container: ContainerDep) -> ContentService[Project]:
    return container.projects


async def get_certification_service(container: ContainerDep) -> ContentService[Certification]:
    return container.certifications


async def get_feed_service(container: ContainerDep) -> FeedService:
    return container.feeds


async def get_sitemap_service(container: ContainerDep) -> SitemapService:
    return container.sitemap


async def get_visitor_service(container: ContainerDep) -> VisitorService:
    return container.visitors


async def get_view_service(container: ContainerDep) -> ViewService:
    return container.views


async def get_preview_service(container: ContainerDep) -> PreviewService:
    return container.previews


async def get_media_service(container: ContainerDep) -> MediaService:
    return container.media


async def get_audience_service(container: ContainerDep) -> AudienceService:
    return container.audience


SettingsDep = Annotated[Settings, Depends(get_settings)]
AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
HealthServiceDep = Annotated[HealthService, Depends(get_health_service)]
PostServiceDep = Annotated[PostService, Depends(get_post_service)]
ProjectServiceDep = Annotated[ContentService[Project], Depends(get_project_service)]
CertificationServiceDep = Annotated[
    ContentService[Certification], Depends(get_certification_service)
]
FeedServiceDep = Annotated[FeedService, Depends(get_feed_service)]
SitemapServiceDep = Annotated[SitemapService, Depends(get_sitemap_service)]
VisitorServiceDep = Annotated[VisitorService, Depends(get_visitor_service)]
ViewServiceDep = Annotated[ViewService, Depends(get_view_service)]
PreviewServiceDep = Annotated[PreviewService, Depends(get_preview_service)]
MediaServiceDep = Annotated[MediaService, Depends(get_media_service)]
AudienceServiceDep = Annotated[AudienceService, Depends(get_audience_service)]

BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]


async def _presented_user(
    request: Request, credentials: BearerCredentials, auth: AuthServiceDep
) -> Principal | None:
    """None without an Authorization header; a header that is present must hold a valid token."""
    if credentials is None or not credentials.credentials:
        if "authorization" in request.headers:
            raise InvalidToken("The Authorization header must read `Bearer <token>`")
        return None
    return await run_blocking(auth.authenticate, token=credentials.credentials)


PresentedUser = Annotated[Principal | None, Depends(_presented_user)]


async def optional_user(
    request: Request, credentials: BearerCredentials, auth: AuthServiceDep
) -> Principal | None:
    """Where a token is optional, a refused one (expired, revoked, garbage) reads as anonymous.

    A frontend that sends its stored token on every request keeps its public pages after the
    token lapses; the response says `invalid_token` (api/stale_token.py) so it can refresh.
    """
    try:
        return await _presented_user(request, credentials, auth)
    except InvalidToken:
        mark_stale_token(request)
        return None


OptionalUser = Annotated[Principal | None, Depends(optional_user)]


async def current_user(user: PresentedUser) -> Principal:
    if user is None:
        raise NotAuthenticated("Authentication token is missing")
    return user


CurrentUser = Annotated[Principal, Depends(current_user)]


async def require_owner(user: CurrentUser) -> Principal:
    if not user.is_owner:
        raise PermissionDenied("Only the site owner may do this")
    return user


Owner = Annotated[Principal, Depends(require_owner)]


async def client_address(request: Request, settings: SettingsDep) -> str:
    """The caller's IP, for counting and limiting only: never stored, logged or traced."""
    return client_ip(
        request.client,
        forwarded_for=request.headers.get("x-forwarded-for"),
        trusted_hops=settings.trusted_proxy_hops,
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


def mark_optional_security(schema: dict[str, Any], *, routes: Sequence[BaseRoute]) -> None:
    """FastAPI marks every route with the bearer scheme as needing it; where `OptionalUser` is
    all a route asks for, OpenAPI adds `{}`: the token may be left out."""
    for route in served(routes):
        if calls(route.dependant, _presented_user) or not calls(route.dependant, optional_user):
            continue
        path_item = schema.get("paths", {}).get(route.path, {})
        for method in route.methods:
            operation = path_item.get(method.lower())
            if operation is not None:
                operation["security"] = [{}, *operation.get("security", [])]
