"""Preview links: made and revoked by the owner, read by anyone holding the token.

A read shows the item whatever its status or schedule: it goes to the repository, never through
`ContentService`'s visibility rule. Every way a token can fail (malformed, unknown, replaced,
revoked, expired, its item deleted) is the one same 404, so a caller learns nothing from it.
"""

import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol

from portfolio_api.core.clock import Clock, iso_utc
from portfolio_api.core.errors import NotFound
from portfolio_api.core.logging import logger
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.content import StoredContent
from portfolio_api.models.previews import (
    PREVIEW,
    CertificationPreview,
    PostPreview,
    PreviewLink,
    PreviewRecord,
    PreviewToken,
    ProjectPreview,
)
from portfolio_api.repositories.previews import PreviewLinks

GONE = "Preview not found"


class StoredItems(Protocol):
    """What a preview needs of a kind's repository: its key prefix, its noun, items by id."""

    @property
    def entity(self) -> str: ...

    @property
    def model(self) -> type[StoredContent]: ...

    def get(self, *, item_id: str) -> StoredContent | None: ...


class PreviewService:
    def __init__(
        self,
        *,
        links: PreviewLinks,
        content: Mapping[ContentType, StoredItems],
        clock: Clock,
        site_url: str,
        url_pattern: str,
    ) -> None:
        self._links = links
        self._content = content
        self._clock = clock
        self._site_url = site_url.rstrip("/")
        self._url_pattern = url_pattern

    def create(self, *, kind: ContentType, item_id: str, lifetime: int) -> PreviewLink:
        """A new link for an item that exists; the item's previous link, if any, dies."""
        items = self._content[kind]
        if items.get(item_id=item_id) is None:
            raise NotFound(f"{items.model.NOUN} not found")
        token = PreviewToken.minted(kind=kind, item_id=item_id)
        now = self._clock.now()
        record = PreviewRecord(
            token_digest=token.digest(), expires_at=int(now.timestamp()) + lifetime
        )
        self._links.put(
            entity=items.entity, item_id=item_id, record=record, created_at=iso_utc(now)
        )
        logger.info("preview link made", extra={"contentType": kind, "lifetime": lifetime})
        return PreviewLink(
            url=self._site_url + self._url_pattern.replace("{token}", token.text),
            token=token.text,
            expires_at=_iso(record.expires_at),
        )

    def revoke(self, *, kind: ContentType, item_id: str) -> None:
        """Idempotent: afterwards the item has no live link, whether it had one or not."""
        self._links.revoke(entity=self._content[kind].entity, item_id=item_id)

    def read(self, *, token: str) -> PostPreview | ProjectPreview | CertificationPreview:
        """The item the token names, in its public shape, while the token lives."""
        parsed = PreviewToken.parsed(token)
        if parsed is None:
            raise NotFound(GONE)  # garbage never reaches DynamoDB
        items = self._content[parsed.kind]
        record = self._links.get(entity=items.entity, item_id=parsed.item_id)
        if record is None or not self._admits(record, parsed):
            raise NotFound(GONE)
        item = items.get(item_id=parsed.item_id)
        if item is None:
            raise NotFound(GONE)
        return PREVIEW.validate_python(
            {"kind": parsed.kind, "item": item, "expires_at": _iso(record.expires_at)}
        )

    def _admits(self, record: PreviewRecord, token: PreviewToken) -> bool:
        """Digests compared in constant time; an expired record is dead before TTL removes it."""
        if not hmac.compare_digest(record.token_digest, token.digest()):
            return False
        return self._clock.now().timestamp() < record.expires_at


def _iso(epoch_seconds: int) -> str:
    return iso_utc(datetime.fromtimestamp(epoch_seconds, UTC))
