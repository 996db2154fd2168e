"""A post's Markdown as HTML that a feed reader may show: no script, no event handlers, no
`javascript:` URLs. markdown-it-py renders (CommonMark, raw HTML kept so nothing the author
wrote is lost silently), then justhtml parses it as a browser would (HTML5) and cleans it with
its allow-list, which drops all three. justhtml is pure Python: nh3's 2.6 MB native library
would not fit the Lambda artifact's budget (docs/PERFORMANCE.md)."""

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from justhtml import SanitizationPolicy
    from markdown_it import MarkdownIt

# Relative URLs stay (the site's own pages); an image loads only over https.
LINK_SCHEMES = ("http", "https", "mailto")
IMAGE_SCHEMES = ("https",)


def safe_html(markdown: str) -> str:
    from justhtml import JustHTML  # noqa: PLC0415  # here: only a feed's first build pays for the import, no cold start

    html = _renderer().render(markdown)
    # Not pretty: indenting would change what a <pre> block shows.
    return JustHTML(html, fragment=True, policy=_policy()).to_html(pretty=False)


@cache
def _renderer() -> "MarkdownIt":
    from markdown_it import MarkdownIt  # noqa: PLC0415  # as above

    # GitHub's tables and strikethrough: what the site's own renderer shows.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@cache
def _policy() -> "SanitizationPolicy":
    """justhtml's default allow-list (no script, style, handler or style attribute), less `id`
    (an author's id could clobber a name in a reader's page), with images from https (its
    default keeps relative ones only) and links that cannot reach their opener."""
    from justhtml import DEFAULT_POLICY, SanitizationPolicy, UrlPolicy, UrlRule  # noqa: PLC0415

    links = UrlRule(allowed_schemes=LINK_SCHEMES, handling="allow", allow_relative=True)
    images = UrlRule(
        allowed_schemes=IMAGE_SCHEMES,
        handling="allow",
        allow_relative=True,
        resolve_protocol_relative="https",
    )
    return SanitizationPolicy(
        allowed_tags=DEFAULT_POLICY.allowed_tags,
        allowed_attributes={
            "*": ["class", "title", "lang", "dir"],
            "a": ["href", "title"],
            "img": ["src", "alt", "title", "width", "height", "loading", "decoding"],
            "th": ["colspan", "rowspan"],
            "td": ["colspan", "rowspan"],
        },
        url_policy=UrlPolicy(
            default_handling="strip",
            allow_rules={("a", "href"): links, ("img", "src"): images},
        ),
        force_link_rel=("noopener", "noreferrer"),
    )
