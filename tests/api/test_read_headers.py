"""Every GET carries `ETag` and `Cache-Control`, as the document declares, and answers a current
`If-None-Match` with a 304: the reads without a version or generation (counts, trends, the
signed-in user, health) are tagged by a digest of their own answer."""

import httpx
import pytest

from tests.helpers.content import Callers
from tests.helpers.visitors import browser

PUBLIC = "public, max-age=60, stale-while-revalidate=300"
PRIVATE = "private, no-store"
# (path, caller, the Cache-Control its answer carries)
DIGESTED_READS = [
    ("/health", "anonymous", "no-store"),
    ("/v1/health", "anonymous", "no-store"),
    ("/v1/visitors/count", "anonymous", PUBLIC),
    ("/v1/visitors/trends/daily", "owner", PRIVATE),
    ("/v1/visitors/trends/monthly", "owner", PRIVATE),
    ("/v1/analytics/top-content", "owner", PRIVATE),
    ("/v1/analytics/total-views", "owner", PRIVATE),
    ("/v1/analytics/sources", "owner", PRIVATE),
    ("/v1/analytics/pages", "owner", PRIVATE),
    ("/v1/analytics/devices", "owner", PRIVATE),
    ("/v1/analytics/countries", "owner", PRIVATE),
    ("/v1/analytics/export.csv?from=2026-11-01&to=2026-11-30", "owner", PRIVATE),
    ("/v1/auth/me", "owner", PRIVATE),
    ("/v1/auth/me", "reader", PRIVATE),
]


@pytest.mark.parametrize(("path", "caller", "cache_control"), DIGESTED_READS)
def test_a_read_without_a_version_is_tagged_by_its_answer(
    api: httpx.Client, callers: Callers, path: str, caller: str, cache_control: str
) -> None:
    headers = callers.named(caller)
    # GIVEN the answer once
    first = api.get(path, headers=headers)
    assert first.status_code == 200
    # THEN it names its tag and who may keep it
    assert first.headers["etag"].startswith('W/"')
    assert first.headers["cache-control"] == cache_control
    # WHEN it is asked again naming that tag
    again = api.get(path, headers={**headers, "If-None-Match": first.headers["etag"]})
    # THEN nothing changed: 304, no body, the same headers
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == cache_control


def test_a_count_that_moved_gets_a_new_tag_and_the_old_one_a_full_answer(
    api: httpx.Client,
) -> None:
    # GIVEN the visitor count and its tag
    before = api.get("/v1/visitors/count")
    # WHEN a new visitor is counted
    visit = api.post("/v1/visitors/track", headers=browser(1))
    assert visit.json()["tracked"] is True
    # THEN the old tag no longer matches: a 200 with the new count and a new tag
    after = api.get("/v1/visitors/count", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["count"] == before.json()["count"] + 1
    assert after.headers["etag"] != before.headers["etag"]


def test_every_get_of_the_document_declares_if_none_match_and_304(api: httpx.Client) -> None:
    # WHEN the app's own document is read
    paths = api.get("/openapi.json").json()["paths"]
    reads = {path: item["get"] for path, item in paths.items() if "get" in item}
    # THEN every GET takes If-None-Match and may answer 304, as every GET answers with an ETag
    assert len(reads) >= 18
    for path, operation in reads.items():
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert "If-None-Match" in names, path
        assert "304" in operation["responses"], path
