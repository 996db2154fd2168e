"""The rules posts, projects and certifications share: visibility, versions, status changes.

What differs by kind lives with the kind's models (what a create derives, how a list filters
and orders) and its `ContentKind` (keys, a unique field); this service reads both.
"""

import builtins
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
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
from portfolio_api.models.conditional import Conditional, Generation, KnownTags
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
from portfolio_api.services.pages import Built, PageCache

# Without If-Match the last write wins: a lost race is reread and reapplied, a few times.
WRITE_ATTEMPTS = 5
ID_SHAPE = re.compile(ID_PATTERN)
# No body is ever over 5 MB (Lambda answers at most 6 MB): a page's items stay under this,
# which leaves room for the envelope (`total`, `limit`, the offsets).
RESPONSE_BYTES = 5_000_000
PAGE_BYTES = RESPONSE_BYTES - 4_096
PAGE_READ = 20  # items read per BatchGet while a page fills: large items are not all read
type Change[M] = Callable[[M, str], M]


class ContentReader(Protocol):
    """What the analytics need of any kind: visibility, and items by id."""

    def get(self, *, item_id: str, viewer: Principal | None) -> StoredContent: ...

    def visible_ids(self, *, viewer: Principal | None) -> set[str]: ...

    def find(self, *, ids: Sequence[str]) -> Sequence[StoredContent]: ...

    def not_found(self) -> NotFound: ...


class ContentService[M: StoredContent]:
    def __init__(
        self,
        *,
        repository: ContentRepository[M],
        clock: Clock,
        pages: PageCache,
        page_bytes: int = PAGE_BYTES,
    ) -> None:
        self._repository = repository
        self._model = repository.model
        self._clock = clock
        self._pages = pages
        self._page_bytes = page_bytes

    def get(self, *, item_id: str, viewer: Principal | None) -> M:
        item = self._stored(item_id)
        now = iso_utc(self._clock.now())
        if item is None or not _may_see(item, viewer=viewer, now=now):
            raise self.not_found()
        return _as_seen(item, now=now)

    def list(
        self, *, query: ListQuery[M], viewer: Principal | None, known: KnownTags | None = None
    ) -> Conditional[Page[M]]:
        """One page, dated by the kind's generation; anonymous pages may come from memory."""
        statuses = _statuses_for(query.status, viewer)
        moment = self._clock.now()
        return self._pages.answer(
            generation=self._repository.generation(),
            shape=(self._repository.entity, "list", _viewer_class(viewer), query.model_dump_json()),
            known=known,
            keep=viewer is None,
            build=lambda: self._page(query, statuses, viewer=viewer, now=moment),
            now=moment,
        )

    def _page(
        self,
        query: ListQuery[M],
        statuses: frozenset[Status],
        *,
        viewer: Principal | None,
        now: datetime,
    ) -> Built[Page[M]]:
        matching = [
            item
            for item in self.seen_by(viewer=viewer, now=now)
            if item.status in statuses and query.matches(item)
        ]
        matching.sort(key=lambda item: item.list_order(), reverse=True)
        window = matching[query.offset : query.offset + query.limit]
        items, size, used = self._fill([item.id for item in window], now=iso_utc(now))
        after = query.offset + used
        page: Page[M] = Page(
            items=items,
            total=len(matching),
            limit=query.limit,
            offset=query.offset,
            next_offset=after if after < len(matching) else None,
            size=size,
        )
        shown = tuple((item.id, item.version, item.publish_at) for item in items)
        return Built(value=page, size=size, fingerprint=(page.total, page.next_offset, shown))

    def _fill(self, ids: Sequence[str], *, now: str) -> tuple[builtins.list[M], int, int]:
        """The items of `ids`, in order, while their JSON fits the page's bytes (the first
        always does): the items, their size, and how many ids they used up."""
        items: builtins.list[M] = []
        size = 0
        for start in range(0, len(ids), PAGE_READ):
            chunk = ids[start : start + PAGE_READ]
            found = {item.id: item for item in self._repository.get_many(ids=chunk)}
            for used, item_id in enumerate(chunk, start=start):
                item = found.get(item_id)
                if item is None:
                    continue  # deleted since the index was read
                item = _as_seen(item, now=now)
                item_size = len(item.model_dump_json().encode())
                if items and size + item_size > self._page_bytes:
                    return items, size, used
                items.append(item)
                size += item_size
        return items, size, len(ids)

    def seen_by(self, *, viewer: Principal | None, now: datetime) -> builtins.list[M]:
        """Every item this viewer may see at `now`, holding its INDEXED fields alone (one Query
        of the list index): what every list, count and feed of the kind starts from."""
        moment = iso_utc(now)
        return [
            item for item in self._repository.indexed() if _may_see(item, viewer=viewer, now=moment)
        ]

    def public_index(self, *, keep: Callable[[M], bool] | None = None) -> builtins.list[M]:
        """Every item an anonymous reader sees (that `keep` keeps), in list order, unpaged,
        holding its INDEXED fields alone: one Query of the list index, for the sitemap."""
        shown = [
            item
            for item in self.seen_by(viewer=None, now=self._clock.now())
            if keep is None or keep(item)
        ]
        shown.sort(key=lambda item: item.list_order(), reverse=True)
        return shown

    def public_items(
        self, *, keep: Callable[[M], bool] | None = None, most: int | None = None
    ) -> Iterator[M]:
        """The first `most` of `public_index`'s items in full, read PAGE_READ at a time as the
        caller goes on: a feed that stops at its byte budget reads no more."""
        shown = self.public_index(keep=keep)[:most]
        for start in range(0, len(shown), PAGE_READ):
            yield from self._repository.get_many(
                ids=[item.id for item in shown[start : start + PAGE_READ]]
            )

    def generation(self) -> Generation:
        """What dates every public read of the kind (one strongly consistent GetItem)."""
        return self._repository.generation()

    def visible_ids(self, *, viewer: Principal | None) -> set[str]:
        """The ids of every item this viewer may see now (one Query of the list index)."""
        return {item.id for item in self.seen_by(viewer=viewer, now=self._clock.now())}

    def find(self, *, ids: Sequence[str]) -> Sequence[M]:
        """The items with these ids that exist, in the order asked."""
        return self._repository.get_many(ids=[item_id for item_id in ids if is_item_id(item_id)])

    def not_found(self) -> NotFound:
        return NotFound(f"{self._model.NOUN} not found")

    def create(self, *, data: ContentWrite) -> M:
        item = self._new(data)
        for _ in range(WRITE_ATTEMPTS):
            try:
                self._repository.create(item=item)
            except WriteConflict:
                continue  # it met another write of the kind on the generation: nothing written
            return item
        raise self._busy()

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

    def publish(
        self, *, item_id: str, precondition: Precondition | None, at: datetime | None = None
    ) -> M:
        """Live now, or at `at` when that is later; an item waiting for its time may be
        published again, now or at another time. A live one is a 409."""
        wanted = None if at is None else iso_utc(at)

        def publish(item: M, now: str) -> M:
            if item.live(now=now):
                raise Conflict(f"{self._model.NOUN} is already published")
            return item.published(now=now, at=wanted)

        return self._rewrite(item_id=item_id, precondition=precondition, change=publish)

    def unpublish(self, *, item_id: str, precondition: Precondition | None) -> M:
        def unpublish(item: M, now: str) -> M:
            if item.status is Status.DRAFT:
                raise Conflict(f"{self._model.NOUN} is a draft already")
            return item.drafted(now=now)

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
            return _as_seen(revised, now=now)
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


def _viewer_class(viewer: Principal | None) -> str:
    return "public" if viewer is None else "signed-in"


def _may_see(item: StoredContent, *, viewer: Principal | None, now: str) -> bool:
    """The one visibility rule of every read: live items for all, everything for the owner."""
    return item.live(now=now) or (viewer is not None and viewer.is_owner)


def _as_seen[M: StoredContent](item: M, *, now: str) -> M:
    """The item as the service answers it: one waiting for its time says when it goes live
    (only the owner ever sees such an item)."""
    waiting = item.scheduled_for(now=now)
    return item if waiting is None else item.model_copy(update={"publish_at": waiting})


def _statuses_for(wanted: StatusFilter, viewer: Principal | None) -> frozenset[Status]:
    if wanted is StatusFilter.PUBLISHED:
        return frozenset({Status.PUBLISHED})
    if viewer is None:
        raise NotAuthenticated("Sign in as the owner to list drafts")
    if not viewer.is_owner:
        raise PermissionDenied("Only the site owner may list drafts")
    return frozenset(Status) if wanted is StatusFilter.ALL else frozenset({Status.DRAFT})
