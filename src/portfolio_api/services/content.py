"""The rules posts, projects and certifications share: visibility, versions, status changes.

What differs by kind lives with the kind's models (what a create derives, how a list filters
and orders) and its `ContentKind` (keys, a unique field); this service reads both.
"""

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from portfolio_api.core.clock import Clock, iso_utc
from portfolio_api.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    WriteConflict,
)
from portfolio_api.core.ids import ID_PATTERN, new_id
from portfolio_api.models.content import (
    ContentUpdate,
    ContentWrite,
    ListQuery,
    Page,
    Precondition,
    Status,
    StatusFilter,
    StoredContent,
    etag_of,
)
from portfolio_api.models.identity import Principal
from portfolio_api.repositories.content import ContentRepository

# Without If-Match the last write wins: a lost race is reread and reapplied, a few times.
WRITE_ATTEMPTS = 5
ID_SHAPE = re.compile(ID_PATTERN)
type Change[M] = Callable[[M, str], M]


class ContentReader(Protocol):
    """What the analytics need of any kind: visibility, and items by id."""

    def get(self, *, item_id: str, viewer: Principal | None) -> StoredContent: ...

    def visible_ids(self, *, viewer: Principal | None) -> set[str]: ...

    def find(self, *, ids: Sequence[str]) -> Sequence[StoredContent]: ...

    def not_found(self) -> NotFound: ...


class ContentService[M: StoredContent]:
    def __init__(self, *, repository: ContentRepository[M], clock: Clock) -> None:
        self._repository = repository
        self._model = repository.model
        self._clock = clock

    def get(self, *, item_id: str, viewer: Principal | None) -> M:
        item = self._stored(item_id)
        if item is None or not _may_see(item.status, viewer):
            raise self.not_found()
        return item

    def list(self, *, query: ListQuery[M], viewer: Principal | None) -> Page[M]:
        statuses = _statuses_for(query.status, viewer)
        matching = [
            item
            for item in self._repository.indexed()
            if item.status in statuses and query.matches(item)
        ]
        matching.sort(key=lambda item: item.list_order(), reverse=True)
        window = matching[query.offset : query.offset + query.limit]
        return Page(
            items=self._repository.get_many(ids=[item.id for item in window]),
            total=len(matching),
            limit=query.limit,
            offset=query.offset,
        )

    def visible_ids(self, *, viewer: Principal | None) -> set[str]:
        """The ids of every item this viewer may see (one Query of the list index)."""
        return {item.id for item in self._repository.indexed() if _may_see(item.status, viewer)}

    def find(self, *, ids: Sequence[str]) -> Sequence[M]:
        """The items with these ids that exist, in the order asked."""
        return self._repository.get_many(ids=[item_id for item_id in ids if is_item_id(item_id)])

    def not_found(self) -> NotFound:
        return NotFound(f"{self._model.NOUN} not found")

    def create(self, *, data: ContentWrite) -> M:
        item = self._new(data)
        self._repository.create(item=item)
        return item

    def _new(self, data: ContentWrite) -> M:
        moment = self._clock.now()
        return self._model.made(data, item_id=new_id(now=moment), now=iso_utc(moment))

    def update(
        self, *, item_id: str, changes: ContentUpdate, precondition: Precondition | None
    ) -> M:
        return self._rewrite(
            item_id=item_id,
            precondition=precondition,
            change=lambda item, _: item.revised(changes),
        )

    def publish(self, *, item_id: str, precondition: Precondition | None) -> M:
        def publish(item: M, now: str) -> M:
            if item.status is Status.PUBLISHED:
                raise Conflict(f"{self._model.NOUN} is already published")
            return item.published(now=now)

        return self._rewrite(item_id=item_id, precondition=precondition, change=publish)

    def unpublish(self, *, item_id: str, precondition: Precondition | None) -> M:
        def unpublish(item: M, _: str) -> M:
            if item.status is Status.DRAFT:
                raise Conflict(f"{self._model.NOUN} is a draft already")
            return item.drafted()

        return self._rewrite(item_id=item_id, precondition=precondition, change=unpublish)

    def delete(self, *, item_id: str, precondition: Precondition | None) -> None:
        for _ in range(WRITE_ATTEMPTS):
            current = self._current(item_id=item_id, precondition=precondition)
            try:
                self._repository.delete(item=current)
            except WriteConflict:
                continue
            return
        raise self._busy()

    def _rewrite(self, *, item_id: str, precondition: Precondition | None, change: Change[M]) -> M:
        for _ in range(WRITE_ATTEMPTS):
            current = self._current(item_id=item_id, precondition=precondition)
            now = iso_utc(self._clock.now())
            revised = change(current, now).model_copy(
                update={"version": current.version + 1, "updated_at": now}
            )
            try:
                self._repository.replace(item=revised, previous=current)
            except WriteConflict:
                continue
            return revised
        raise self._busy()

    def _stored(self, item_id: str) -> M | None:
        """An id this API could never have made names no item: no need to ask DynamoDB."""
        return self._repository.get(item_id=item_id) if is_item_id(item_id) else None

    def _current(self, *, item_id: str, precondition: Precondition | None) -> M:
        item = self._stored(item_id)
        if item is None:
            raise self.not_found()
        if precondition is not None and not precondition.admits(item.version):
            raise PreconditionFailed(
                f"{self._model.NOUN} has changed since it was read: If-Match does not name "
                "its current version",
                details={"currentETag": etag_of(item.version)},
            )
        return item

    def _busy(self) -> WriteConflict:
        return WriteConflict(f"{self._model.NOUN} is being changed by other requests; retry")


def is_item_id(item_id: str) -> bool:
    """Whether this API could have made the id; any other names no item."""
    return ID_SHAPE.fullmatch(item_id) is not None


def _may_see(status: Status, viewer: Principal | None) -> bool:
    return status is Status.PUBLISHED or (viewer is not None and viewer.is_owner)


def _statuses_for(wanted: StatusFilter, viewer: Principal | None) -> frozenset[Status]:
    if wanted is StatusFilter.PUBLISHED:
        return frozenset({Status.PUBLISHED})
    if viewer is None:
        raise NotAuthenticated("Sign in as the owner to list drafts")
    if not viewer.is_owner:
        raise PermissionDenied("Only the site owner may list drafts")
    return frozenset(Status) if wanted is StatusFilter.ALL else frozenset({Status.DRAFT})
