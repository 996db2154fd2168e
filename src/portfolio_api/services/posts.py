import re
from typing import Any

from portfolio_api.core.errors import Conflict, NotFound, SlugTaken, WriteConflict
from portfolio_api.models.content import Status
from portfolio_api.models.identity import Principal
from portfolio_api.models.posts import (
    SLUG_PATTERN,
    Post,
    PostCreate,
    PostQuery,
    PostSummary,
    PostUpdate,
)
from portfolio_api.repositories.posts import PostRepository
from portfolio_api.services.content import ContentService
from portfolio_api.services.slugs import numbered, read_time, slugify

SLUG = re.compile(SLUG_PATTERN)
SLUG_PROBE = 10  # candidates read per round trip while looking for a free slug
SLUG_ROUNDS = 20  # so a title may be used 200 times
SLUG_ATTEMPTS = 10  # creates tried while other creates keep taking the slug found free


class PostService(ContentService[Post, PostSummary, PostCreate, PostUpdate, PostQuery]):
    NOUN = "Post"
    _repository: PostRepository

    def _derived(self, data: PostCreate) -> dict[str, Any]:
        return {
            "slug": slugify(data.title),
            "read_time": read_time(data.content),
            "published_at": "",
        }

    def _insert(self, item: Post) -> Post:
        """Claims `base`, or on a clash the first free of `base-2`, `base-3`...

        The guard item in the create's transaction settles races: a loser looks again.
        """
        slug: str | None = item.slug
        attempts = 0
        while slug is not None and attempts < SLUG_ATTEMPTS:
            attempts += 1
            claimed = item.model_copy(update={"slug": slug})
            try:
                self._repository.create(item=claimed)
            except (SlugTaken, WriteConflict):
                slug = self._first_free_slug(base=item.slug)
                continue
            return claimed
        raise Conflict("Could not find a free slug for this title; change the title")

    def _first_free_slug(self, *, base: str) -> str | None:
        for first in range(2, 2 + SLUG_PROBE * SLUG_ROUNDS, SLUG_PROBE):
            candidates = [numbered(base, number) for number in range(first, first + SLUG_PROBE)]
            taken = self._repository.taken_slugs(candidates=candidates)
            free = [slug for slug in candidates if slug not in taken]
            if free:
                return free[0]
        return None

    def _revise(self, item: Post, changes: dict[str, Any]) -> Post:
        if "content" in changes:
            changes = {**changes, "read_time": read_time(changes["content"])}
        return item.model_copy(update=changes)

    def _published(self, item: Post, now: str) -> Post:
        first_time = (
            {"published_at": now[:10], "published_time": now} if not item.published_at else {}
        )
        return item.model_copy(update={"status": Status.PUBLISHED, **first_time})

    def _matches(self, summary: PostSummary, query: PostQuery) -> bool:
        if query.category and summary.category.casefold() != query.category.casefold():
            return False
        return not query.tag or query.tag.casefold() in {tag.casefold() for tag in summary.tags}

    def _order(self, summary: PostSummary) -> tuple[str, str]:
        if summary.status is Status.PUBLISHED and summary.published_time:
            return summary.published_time, summary.id
        return summary.updated_at, summary.id

    def get_by_slug(self, *, slug: str, viewer: Principal | None) -> Post:
        post_id = self._repository.post_id_for(slug=slug) if SLUG.fullmatch(slug) else None
        if post_id is None:
            raise NotFound("Post not found")
        return self.get(item_id=post_id, viewer=viewer)

    def categories(self) -> list[str]:
        """The categories of published posts, each once, in alphabetical order."""
        published = {
            summary.category
            for summary in self._repository.summaries()
            if summary.status is Status.PUBLISHED
        }
        return sorted(published, key=lambda category: (category.casefold(), category))
