"""Every route of the API: `/v1/...`, and `/health` beside it."""

from fastapi import APIRouter

from portfolio_api.api import analytics, auth, certifications, health, posts, projects, visitors

v1 = APIRouter(prefix="/v1")
for module in (posts, projects, certifications, visitors, analytics, auth):
    v1.include_router(module.router)

ROUTERS: tuple[APIRouter, ...] = (v1, health.router)
