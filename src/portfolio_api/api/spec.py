"""What the OpenAPI document adds to FastAPI's: tag descriptions, every schema's example, and
the caching headers of every read. `factory.PortfolioAPI.openapi()` applies them."""

from typing import Any

TAGS = [
    {
        "name": "Blog Posts",
        "description": "Posts in Markdown: anyone reads the published ones, by id or by slug; "
        "the owner writes, publishes and sees drafts.",
    },
    {
        "name": "Projects",
        "description": "Portfolio projects, featured first: public reads, owner writes.",
    },
    {
        "name": "Certifications",
        "description": "Certifications and courses, newest earned first: public reads, owner "
        "writes.",
    },
    {
        "name": "Previews",
        "description": "Secret links that show one draft, scheduled or published item to "
        "whoever holds them, until they expire or the owner revokes them.",
    },
    {
        "name": "Feeds",
        "description": "RSS 2.0 of the newest published posts (all, or one tag's) and the "
        "sitemap of the site's public pages: public, cached like every public read.",
    },
    {
        "name": "Visitors",
        "description": "Site visits, counted once per visitor and UTC day (no IP or User-Agent "
        "kept); the owner reads daily and monthly trends.",
    },
    {
        "name": "Analytics",
        "description": "Content views, counted once per visitor, item and UTC day; the owner "
        "reads the most viewed items and the total.",
    },
    {
        "name": "Authentication",
        "description": "Sign-in through Cognito: the ID token it returns is the Bearer token of "
        "every owner route. Also challenges, refresh, logout and TOTP enrolment.",
    },
    {
        "name": "Media",
        "description": "The owner's images and PDFs: the browser uploads each straight to S3 "
        "through a presigned POST, then completes it; CloudFront serves it at its `url`.",
    },
    {"name": "Health", "description": "Liveness, and whether DynamoDB answers."},
]

READ_HEADERS = {
    "ETag": {
        "description": "The representation's version, quoted. Send it back as `If-None-Match` "
        "to be answered 304 while it holds, or as `If-Match` on a write.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "How long the answer may be kept, and by whom: shared caches for an "
        "anonymous reader, `private, no-store` when a valid token was sent.",
        "schema": {"type": "string"},
    },
}


def declare_read_headers(paths: dict[str, Any]) -> None:
    """Every GET's 200 names the caching headers (routes that already declare one keep it)."""
    for path_item in paths.values():
        success = path_item.get("get", {}).get("responses", {}).get("200")
        if success is not None:
            headers = success.setdefault("headers", {})
            for name, header in READ_HEADERS.items():
                headers.setdefault(name, header)


def add_examples(components: dict[str, Any]) -> None:
    """Each schema's example: a model's from models/examples.py, an enum's first value."""
    # Imported here: only /openapi.json needs it, never a cold start.
    from portfolio_api.models.examples import EXAMPLES, VALUE_EXAMPLES  # noqa: PLC0415

    by_name = {model.__name__: [example] for model, example in EXAMPLES.items()}
    for name, schema in components.items():
        examples = by_name.get(name) or VALUE_EXAMPLES.get(name)
        if examples is None and "enum" in schema:
            examples = schema["enum"][:1]
        if examples is not None:
            schema.setdefault("examples", examples)
