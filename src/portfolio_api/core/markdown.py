"""A post's Markdown as HTML that a feed reader may show: no script, no event handlers, no
`javascript:` URLs. markdown-it-py renders (CommonMark, raw HTML kept so nothing the author
wrote is lost silently), then nh3 cleans with its allow-list, which drops all three."""

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


def safe_html(markdown: str) -> str:
    import nh3  # noqa: PLC0415  # here: only a feed's first build pays for the import, no cold start

    return nh3.clean(_renderer().render(markdown))


@cache
def _renderer() -> "MarkdownIt":
    from markdown_it import MarkdownIt  # noqa: PLC0415  # as above

    # GitHub's tables and strikethrough: what the site's own renderer shows.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
