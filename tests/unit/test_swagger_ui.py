"""Swagger UI works offline: the page and every file it loads come from the app itself."""

import asyncio
import gzip
import re
from pathlib import Path

import httpx
import pytest

from portfolio_api.api.docs import ASSETS, FAVICON, read_asset
from portfolio_api.devstack import REPO_ROOT
from tests.helpers.app import default_app

# src= and href= of the page: what the browser fetches before it runs anything.
FETCHED = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def _get(*paths: str) -> list[httpx.Response]:
    async def fetch() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=default_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return [await client.get(path) for path in paths]

    return asyncio.run(fetch())


def test_the_docs_page_names_no_other_host_and_keeps_the_token() -> None:
    # WHEN the browser opens /docs
    (page,) = _get("/docs")
    # THEN it loads the app's own script and stylesheet, its icon is inline, and no URL of the
    # page points at another host (a CDN)
    assert page.status_code == 200
    fetched = set(FETCHED.findall(page.text))
    assert fetched == {"/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"} | {
        url for url in fetched if url.startswith("data:image/png;base64,")
    }
    assert len(fetched) == 3
    assert not re.search(r"https?://", page.text)
    # AND Swagger UI keeps the Bearer token across reloads
    assert '"persistAuthorization": true' in page.text


def test_each_asset_answers_with_its_type_and_a_cache_lifetime() -> None:
    # WHEN the page's script and stylesheet are fetched
    script, stylesheet = _get(*ASSETS)
    # THEN each is the real file with its media type, cacheable for a day
    assert script.status_code == stylesheet.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert stylesheet.headers["content-type"] == "text/css; charset=utf-8"
    assert "SwaggerUIBundle" in script.text
    assert ".swagger-ui" in stylesheet.text
    assert script.headers["cache-control"] == stylesheet.headers["cache-control"]
    assert script.headers["cache-control"] == "public, max-age=86400"


def test_redoc_and_fastapis_cdn_pages_are_gone() -> None:
    # WHEN ReDoc's page is asked for
    (redoc,) = _get("/redoc")
    # THEN there is none: its script would come from a CDN
    assert redoc.status_code == 404


def test_a_gzipped_asset_reads_as_the_file(tmp_path: Path) -> None:
    # GIVEN an asset kept only gzipped, as the Lambda artifact keeps them
    (tmp_path / "swagger-ui.css.gz").write_bytes(gzip.compress(b".swagger-ui {}"))
    # WHEN it is read
    # THEN it is the file's own bytes
    assert read_asset(tmp_path / "swagger-ui.css") == b".swagger-ui {}"


def _make_list(name: str) -> set[str]:
    makefile = (REPO_ROOT / "Makefile").read_text()
    found = re.search(rf"^{name} := (.*)$", makefile, re.MULTILINE)
    assert found, f"the Makefile defines no {name}"
    return set(found.group(1).split())


@pytest.mark.parametrize(
    ("variable", "served"),
    [
        ("SWAGGER_UI_KEPT", {name for name, _ in ASSETS.values()} | {FAVICON}),
        ("SWAGGER_UI_GZIPPED", {name for name, _ in ASSETS.values()}),
    ],
)
def test_the_build_keeps_the_files_the_app_serves(variable: str, served: set[str]) -> None:
    # GIVEN the files api/docs.py serves
    # WHEN the Makefile's list of Swagger UI's files kept in the artifact is read
    kept = _make_list(variable)
    # THEN they are the same files
    assert kept == served
