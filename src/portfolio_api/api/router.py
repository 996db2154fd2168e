"""Every router of the API. The app includes each one itself, `/v1` as their prefix (`/health`
beside them): an `APIRouter` nested under a `/v1` router makes FastAPI build every route again
on inclusion, which doubled the routes' share of a cold start (docs/PERFORMANCE.md)."""

from fastapi import APIRouter

from portfolio_api.api import (
    analytics,
    auth,
    certifications,
    feeds,
    health,
    media,
    posts,
    previews,
    projects,
    visitors,
)

V1 = "/v1"
ROUTERS: tuple[tuple[APIRouter, str], ...] = (
    *(
        (module.router, V1)
        for module in (
            posts,
            projects,
            certifications,
            previews,
            feeds,
            media,
            visitors,
            analytics,
            auth,
        )
    ),
    (health.router, ""),
)
