"""What a tracked page's URL and referrer are kept as: a path, three UTM tags, a host.

Everything else (query strings, fragments, the referrer's path) is dropped before anything is
counted. Each value is bounded, so a visitor cannot send a key longer than these.
"""

import posixpath
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

# A post's path: `/blog/` and a slug of at most 100 characters.
MAX_PATH_LENGTH = 110
MAX_TAG_LENGTH = 50
MAX_HOST_LENGTH = 100
DIRECT = "direct"
UTM = ("utm_source", "utm_medium", "utm_campaign")


@dataclass(frozen=True, kw_only=True, slots=True)
class Page:
    """A page as counted: its path, and its `utm_*` tags (None where absent)."""

    path: str
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None


def page_of(url: str) -> Page:
    """The path (decoded, `.` and `..` resolved, no trailing slash, at most 110 characters)
    and the first value of each UTM tag, lowercased and trimmed."""
    parts = urlsplit(url.strip())
    path = posixpath.normpath("/" + _printable(unquote(parts.path)).lstrip("/"))
    path = "/" if path in ("/", "//") else path.rstrip("/")
    tags = parse_qs(parts.query, max_num_fields=50)
    found = {name: _tag(tags.get(name)) for name in UTM}
    return Page(path=path[:MAX_PATH_LENGTH], **found)


def _tag(values: list[str] | None) -> str | None:
    if not values:
        return None
    tag = " ".join(_printable(values[0]).split()).lower()[:MAX_TAG_LENGTH]
    return tag or None


def _printable(text: str) -> str:
    """Decoding may bring back what the body's rules refused (`%00`, `%E2%80%AE`): dropped."""
    return "".join(character for character in text if character.isprintable())


def source_of(referrer: str | None, *, own_host: str) -> str:
    """The referrer's host, lowercased, without `www.`; empty, unreadable or our own: direct."""
    host = _host(referrer or "")
    return DIRECT if not host or host == _host_name(own_host) else host


def _host(url: str) -> str:
    try:
        hostname = urlsplit(url.strip()).hostname
    except ValueError:
        return ""
    return _host_name(hostname or "")


def _host_name(hostname: str) -> str:
    return hostname.lower().rstrip(".").removeprefix("www.")[:MAX_HOST_LENGTH]
