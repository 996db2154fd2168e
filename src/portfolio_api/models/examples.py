"""One realistic example per schema of the OpenAPI document, as the wire carries it (camelCase).

Kept here rather than on each model: the factory's `openapi()` puts each one under its schema
(`examples`), and tests/unit/test_openapi_spec.py validates every one with its model, so an
example that drifts from its model fails there. Enums need none: their first value serves.
"""

from typing import Any

from pydantic import BaseModel

from portfolio_api.models.analytics import (
    CampaignVisitors,
    ContentType,
    ContentViews,
    ContentViewStat,
    CountryStats,
    CountryVisitors,
    DailyTrends,
    DailyVisitors,
    DeviceStats,
    MediumVisitors,
    MonthlyTrends,
    MonthlyVisitors,
    NamedVisitors,
    PageStat,
    SourceVisitors,
    TopContent,
    TopPages,
    TotalViews,
    TrackView,
    TrackVisit,
    TrafficSources,
    UtmTags,
    ViewStats,
    ViewTracked,
    VisitorCount,
    VisitTracked,
)
from portfolio_api.models.auth import (
    ChallengeRequest,
    LoginRequest,
    LoginResponse,
    MessageResponse,
    MfaResponse,
    RefreshRequest,
    RefreshResponse,
    TotpSetupRequest,
    TotpSetupResponse,
    TotpVerifyRequest,
    UserPublic,
)
from portfolio_api.models.certifications import (
    CertificationCreate,
    CertificationList,
    CertificationPublic,
    CertificationUpdate,
)
from portfolio_api.models.content import PublishRequest
from portfolio_api.models.errors import ErrorResponse
from portfolio_api.models.health import HealthResponse
from portfolio_api.models.media import Media, MediaList, PresignedPost, UploadRequest, UploadTicket
from portfolio_api.models.posts import CategoryList, PostCreate, PostList, PostPublic, PostUpdate
from portfolio_api.models.previews import (
    CertificationPreview,
    PostPreview,
    PreviewLink,
    PreviewLinkRequest,
    ProjectPreview,
)
from portfolio_api.models.projects import (
    ProjectCreate,
    ProjectList,
    ProjectPublic,
    ProjectUpdate,
)

# Shortened stand-ins: real tokens are JWTs of about 1 KB.
_ID_JWT = "eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
_ACCESS_JWT = "eyJraWQiOiJkZWYiLCJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImF3cyJ9.c2lnbmF0dXJl"
_REFRESH_JWT = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.c2VjcmV0"

_USER = {
    "id": "6c1e2f0a-91b3-4d7e-8f5a-2b9c4d3e1f00",
    "email": "owner@example.com",
    "name": "Patrick Walukagga",
    "role": "owner",
}
_POST_FIELDS = {
    "title": "Building Scalable APIs with FastAPI",
    "excerpt": "Learn how to build high-performance APIs using FastAPI and Python.",
    "content": "# Introduction\n\nFastAPI is a modern, fast web framework for building APIs.",
    "category": "Backend",
    "tags": ["python", "fastapi", "aws"],
}
_POST = {
    **_POST_FIELDS,
    "id": "01jdz3k8v4q6m2x9t7r5n0b1cd",
    "slug": "building-scalable-apis-with-fastapi",
    "readTime": "1 min read",
    "publishedAt": "2026-11-24",
    "status": "published",
    "createdAt": "2026-11-20T09:15:00Z",
    "updatedAt": "2026-11-24T08:00:00Z",
}
_PROJECT_FIELDS = {
    "name": "Serverless Portfolio API",
    "description": "FastAPI on AWS Lambda behind API Gateway, over one DynamoDB table.",
    "longDescription": "## What it does\n\nServes the portfolio's content and analytics.",
    "tech": ["Python", "FastAPI", "DynamoDB", "AWS SAM"],
    "company": "Personal",
    "featured": True,
    "githubUrl": "https://github.com/example/portfolio-api",
    "liveUrl": "https://api.patrickcmd.dev/docs",
    "imageUrl": None,
}
_PROJECT = {
    **_PROJECT_FIELDS,
    "id": "01jdz3m2a7b8c9d0e1f2g3h4jk",
    "status": "published",
    "createdAt": "2026-10-02T14:30:00Z",
    "updatedAt": "2026-11-01T10:00:00Z",
}
_CERTIFICATION_FIELDS = {
    "name": "AWS Certified Solutions Architect - Associate",
    "issuer": "Amazon Web Services",
    "icon": "🏅",
    "type": "certification",
    "featured": True,
    "description": "Validates expertise in designing distributed systems on AWS.",
    "credentialUrl": "https://www.credly.com/badges/example",
    "dateEarned": "2025-06-15",
}
_CERTIFICATION = {
    **_CERTIFICATION_FIELDS,
    "id": "01jdz3p4q5r6s7t8v9w0x1y2za",
    "status": "published",
    "createdAt": "2025-06-16T12:00:00Z",
    "updatedAt": "2025-06-16T12:00:00Z",
}
_PREVIEW_TOKEN = f"blog-{_POST['id']}-{'9f' * 32}"
# Built by the model: the wire's name of `expires_at` is also the table's TTL attribute, spelled
# in repositories/attributes.py alone.
_PREVIEW_LINK = PreviewLink(
    url=f"https://patrickcmd.dev/preview/{_PREVIEW_TOKEN}",
    token=_PREVIEW_TOKEN,
    expires_at="2026-12-01T09:00:00Z",
).model_dump(mode="json")
_DRAFT_POST = {**_POST, "status": "draft", "publishedAt": ""}
_DAY = {"date": "Nov 24", "visitors": 45, "pageviews": 112, "day": "2026-11-24"}
_MONTH = {"month": "Nov", "visitors": 850, "pageviews": 2310, "yearMonth": "2026-11"}
_SOURCE = {"source": "google.com", "visitors": 120}
_PAGE = {"path": "/blog/serverless-fastapi", "pageviews": 310, "visitors": 204}
_NAMED = {"name": "Chrome", "visitors": 410}
_COUNTRY = {"country": "UG", "visitors": 96}
_TOP = {"contentId": _POST["id"], "views": 150, "title": _POST["title"]}
_MEDIA_ID = "01jdz3r5s6t7v8w9x0y1z2a3bc"
_UPLOAD_FORM = {
    "url": "https://portfolio-media-prod.s3.amazonaws.com/",
    "fields": {
        "Content-Type": "image/png",
        "x-amz-meta-declared-type": "image/png",
        "x-amz-meta-declared-size": "48213",
        "x-amz-meta-filename": "architecture.png",
        "key": f"uploads/{_MEDIA_ID}",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": "ASIAEXAMPLE/20261124/us-east-1/s3/aws4_request",
        "x-amz-date": "20261124T080000Z",
        "x-amz-security-token": "IQoJb3JpZ2luX2VjEXAMPLE",
        "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMTEtMjRUMDg6MTU6MDBaIn0=",
        "x-amz-signature": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    },
}
_MEDIA = {
    "mediaId": _MEDIA_ID,
    "url": f"https://d1234abcd.cloudfront.net/media/{_MEDIA_ID}.png",
    "filename": "architecture.png",
    "contentType": "image/png",
    "size": 48213,
    "createdAt": "2026-11-24T08:01:12Z",
}

EXAMPLES: dict[type[BaseModel], dict[str, Any]] = {
    LoginRequest: {"email": "owner@example.com", "password": "correct-horse-battery-staple"},
    ChallengeRequest: {
        "email": "owner@example.com",
        "session": "AYABeC1hbGdvcml0aG0iOiJSU0EtT0FFUCJ9-example-session",
        "challenge": "SOFTWARE_TOKEN_MFA",
        "code": "123456",
    },
    RefreshRequest: {"refreshToken": _REFRESH_JWT},
    TotpSetupRequest: {"accessToken": _ACCESS_JWT},
    TotpVerifyRequest: {"accessToken": _ACCESS_JWT, "code": "123456"},
    UserPublic: _USER,
    LoginResponse: {
        "user": _USER,
        "token": _ID_JWT,
        "accessToken": _ACCESS_JWT,
        "refreshToken": _REFRESH_JWT,
        "expiresIn": 3600,
    },
    RefreshResponse: {"token": _ID_JWT, "accessToken": _ACCESS_JWT, "expiresIn": 3600},
    MessageResponse: {"message": "Signed out everywhere"},
    TotpSetupResponse: {
        "secretCode": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "otpauthUri": "otpauth://totp/Portfolio:owner%40example.com"
        "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Portfolio",
    },
    MfaResponse: {"message": "TOTP is on", "mfa": "SOFTWARE_TOKEN_MFA"},
    PublishRequest: {"publishAt": "2026-12-01T09:00:00Z"},
    PostCreate: _POST_FIELDS,
    PostUpdate: {"title": "Building Scalable APIs with FastAPI and DynamoDB", "tags": ["aws"]},
    PostPublic: _POST,
    PostList: {"posts": [_POST], "total": 1, "limit": 20, "offset": 0, "nextOffset": None},
    CategoryList: {"categories": ["Backend", "Cloud", "DevOps"]},
    ProjectCreate: _PROJECT_FIELDS,
    ProjectUpdate: {"featured": False, "liveUrl": None},
    ProjectPublic: _PROJECT,
    ProjectList: {"projects": [_PROJECT], "total": 1, "limit": 20, "offset": 0, "nextOffset": None},
    CertificationCreate: _CERTIFICATION_FIELDS,
    CertificationUpdate: {"featured": False, "credentialUrl": None},
    CertificationPublic: _CERTIFICATION,
    CertificationList: {
        "certifications": [_CERTIFICATION],
        "total": 1,
        "limit": 20,
        "offset": 0,
        "nextOffset": None,
    },
    PreviewLinkRequest: {"expiresIn": 86_400},
    PreviewLink: _PREVIEW_LINK,
    PostPreview: PostPreview(
        kind=ContentType.BLOG,
        item=PostPublic.model_validate(_DRAFT_POST),
        expires_at="2026-12-01T09:00:00Z",
    ).model_dump(mode="json"),
    ProjectPreview: ProjectPreview(
        kind=ContentType.PROJECT,
        item=ProjectPublic.model_validate({**_PROJECT, "status": "draft"}),
        expires_at="2026-12-01T09:00:00Z",
    ).model_dump(mode="json"),
    CertificationPreview: CertificationPreview(
        kind=ContentType.CERTIFICATION,
        item=CertificationPublic.model_validate(_CERTIFICATION),
        expires_at="2026-12-01T09:00:00Z",
    ).model_dump(mode="json"),
    VisitTracked: {"count": 1234, "tracked": True},
    VisitorCount: {"count": 1234},
    DailyVisitors: _DAY,
    DailyTrends: {"trends": [{**_DAY, "date": "Nov 23", "day": "2026-11-23"}, _DAY]},
    MonthlyVisitors: _MONTH,
    MonthlyTrends: {"trends": [{**_MONTH, "month": "Oct", "yearMonth": "2026-10"}, _MONTH]},
    TrackVisit: {
        "url": "https://patrickcmd.dev/blog/serverless-fastapi?utm_source=newsletter",
        "referrer": "https://www.google.com/",
        "timeZone": "Africa/Kampala",
    },
    SourceVisitors: _SOURCE,
    MediumVisitors: {"medium": "email", "visitors": 31},
    CampaignVisitors: {"campaign": "launch", "visitors": 18},
    UtmTags: {
        "sources": [{"source": "newsletter", "visitors": 31}],
        "mediums": [{"medium": "email", "visitors": 31}],
        "campaigns": [{"campaign": "launch", "visitors": 18}],
    },
    TrafficSources: {
        "referrers": [{"source": "direct", "visitors": 300}, _SOURCE],
        "utm": {
            "sources": [{"source": "newsletter", "visitors": 31}],
            "mediums": [{"medium": "email", "visitors": 31}],
            "campaigns": [{"campaign": "launch", "visitors": 18}],
        },
    },
    PageStat: _PAGE,
    TopPages: {"pages": [{"path": "/", "pageviews": 520, "visitors": 400}, _PAGE]},
    NamedVisitors: _NAMED,
    DeviceStats: {
        "browsers": [_NAMED, {"name": "Mobile Safari", "visitors": 150}],
        "operatingSystems": [{"name": "Windows", "visitors": 260}],
        "deviceTypes": [{"name": "desktop", "visitors": 380}, {"name": "mobile", "visitors": 180}],
    },
    CountryVisitors: _COUNTRY,
    CountryStats: {"countries": [_COUNTRY, {"country": "unknown", "visitors": 12}]},
    TrackView: {"contentId": _POST["id"], "contentType": "blog"},
    ViewTracked: {"views": 151, "tracked": True},
    ContentViews: {"contentId": _POST["id"], "contentType": "blog", "views": 150},
    ViewStats: {
        "contentType": "blog",
        "stats": {_POST["id"]: 150, "01jdz3q9r8s7t6v5w4x3y2z1ab": 0},
    },
    ContentViewStat: _TOP,
    TopContent: {
        "blogs": [_TOP],
        "projects": [{"contentId": _PROJECT["id"], "views": 40, "title": _PROJECT["name"]}],
        "certifications": [],
    },
    TotalViews: {"totalViews": 5234},
    UploadRequest: {"filename": "architecture.png", "contentType": "image/png", "size": 48213},
    PresignedPost: _UPLOAD_FORM,
    UploadTicket: {"mediaId": _MEDIA_ID, "upload": _UPLOAD_FORM, "url": _MEDIA["url"]},
    Media: _MEDIA,
    MediaList: {"media": [_MEDIA], "limit": 20, "offset": 0, "nextOffset": None},
    HealthResponse: {"status": "ok", "dynamodb": "ok", "environment": "prod", "version": "0.1.0"},
    ErrorResponse: {
        "error": "Not Found",
        "message": "Post not found",
        "statusCode": 404,
        "details": None,
    },
}
# Schemas of values rather than models: the envelope's `details` values.
VALUE_EXAMPLES: dict[str, list[Any]] = {"JsonValue": ["title", 3, ["body", "title"]]}
