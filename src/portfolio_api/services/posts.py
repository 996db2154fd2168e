"""Posts: content with a unique slug, found by it, and sorted into categories."""

import re
import secrets
from datetime import datetime

from portfolio_api.core.errors import Conflict, NotFound, SlugTaken, WriteConflict
from portfolio_api.core.text import numbered
from portfolio_api.models.conditional import Conditional, KnownTags
from portfolio_api.models.content import ContentWrite
from portfolio_api.models.identity import Principal
from portfolio_api.models.posts import SLUG_PATTERN, Post
from portfolio_api.services.content import ContentService
from portfolio_api.services.pages import Built

SLUG = re.compile(SLUG_PATTERN)
SLUG_PROBE = 10  # candidates read per round trip while looking for a free slug
SLUG_ROUNDS = 20  # so a title may be used 200 times
SLUG_CHOICES = 20  # free candidates a create that lost a race picks from at random
SLUG_ATTEMPTS = 20  # creates tried while other creates keep taking the slug found free


class PostService(ContentService[Post]):
    def create(self, *, data: ContentWrite) -> Post:
        """Claims the title's slug, or on a clash the first free of `slug-2`, `slug-3`...

        The slug's guard item is in the create's transaction, which settles races. A create that
        loses one for a numbered slug too is in a crowd of creates of one title: they all read
        the same first free slug, so from then on each picks at random among the next free ones.
        """
        post = self._new(data)
        slug: str | None = post.slug
        lost = 0
        for _ in range(SLUG_ATTEMPTS):
            if slug is None:
                break
            claimed = post.model_copy(update={"slug": slug})
            try:
                self._repository.create(item=claimed)
            except SlugTaken:
                slug = self._free_slug(base=post.slug, crowded=lost > 0)
                lost += 1
            except WriteConflict:
                continue  # a collided transaction (on the generation, say): the slug may be free
            else:
                return claimed
        raise Conflict("Could not find a free slug for this title; change the title")

    def _free_slug(self, *, base: str, crowded: bool) -> str | None:
        free = self._free_slugs(base=base, wanted=SLUG_CHOICES if crowded else 1)
        return secrets.choice(free) if free else None

    def _free_slugs(self, *, base: str, wanted: int) -> list[str]:
        """The first `wanted` numbered slugs that no post holds now, in order."""
        free: list[str] = []
        for first in range(2, 2 + SLUG_PROBE * SLUG_ROUNDS, SLUG_PROBE):
            candidates = [numbered(base, number) for number in range(first, first + SLUG_PROBE)]
            taken = self._repository.taken(values=candidates)
            free += [slug for slug in candidates if slug not in taken]
            if len(free) >= wanted:
                return free[:wanted]
        return free

    def get_by_slug(self, *, slug: str, viewer: Principal | None) -> Post:
        post_id = self._repository.holder_of(value=slug) if SLUG.fullmatch(slug) else None
        if post_id is None:
            raise NotFound("Post not found")
        return self.get(item_id=post_id, viewer=viewer)

    def categories(self, *, known: KnownTags | None = None) -> Conditional[list[str]]:
        """The categories of published posts, each once, in alphabetical order: public, so
        dated by the posts' generation and kept in memory like a list's page."""
        moment = self._clock.now()
        return self._pages.answer(
            generation=self._repository.generation(),
            shape=(self._repository.entity, "categories"),
            known=known,
            keep=True,
            build=lambda: self._categories(now=moment),
            now=moment,
        )

    def _categories(self, *, now: datetime) -> Built[list[str]]:
        published = {post.category for post in self.seen_by(viewer=None, now=now)}
        names = sorted(published, key=lambda category: (category.casefold(), category))
        size = sum(len(name.encode()) + 3 for name in names)  # quotes and a comma each
        return Built(value=names, size=size, fingerprint=tuple(names))
