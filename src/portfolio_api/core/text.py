"""Slugs, reading times and folded text: pure functions of a string."""

import math
import re
import unicodedata

MAX_SLUG_LENGTH = 80
WORDS_PER_MINUTE = 200
FALLBACK_SLUG = "post"


def slugify(title: str) -> str:
    """`Héllo, World!` → `hello-world`. A title with no Latin letters or digits gets `post`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0] or slug[:MAX_SLUG_LENGTH]
    return slug or FALLBACK_SLUG


def numbered(base: str, number: int) -> str:
    """The n-th candidate for a slug: `base`, then `base-2`, `base-3`..."""
    return base if number == 1 else f"{base}-{number}"


def read_time(content: str) -> str:
    minutes = max(1, math.ceil(len(content.split()) / WORDS_PER_MINUTE))
    return f"{minutes} min read"


def folded(text: str) -> str:
    """Case and runs of whitespace erased: `" Mozilla/5.0  (X11)"` → `"mozilla/5.0 (x11)"`."""
    return " ".join(text.split()).casefold()
