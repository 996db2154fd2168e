"""Which User-Agents are not people: anything not shaped like a browser, and every listed crawler.

The list is data: the `crawler-user-agents` package (github.com/monperrus/crawler-user-agents,
about 1,500 patterns, kept up to date by many hands). `uv lock --upgrade-package
crawler-user-agents` takes its newest release; nothing here names a crawler.

Both rules read the folded User-Agent (`core.text.folded`: case and runs of whitespace erased),
the form the visitor's hash is made of, so a case variant is a bot exactly when its original is.
The list is compiled once per process, on the first call: its plain-text patterns (all but a
few dozen) into one trie-shaped expression, which tries one branch per character where the
plain alternation tries 1,500; the few real expressions one by one, lowercased, since sre finds
a lone pattern's literal prefix fast but not an alternation's. docs/PRIVACY.md#bots has the cost.
"""

import re
from collections.abc import Iterable
from functools import cache

from portfolio_api.core.text import folded

# Every browser in use sends `Mozilla/5.0 (<platform>)` (a phone's model may hold brackets), then
# its engine (Opera Mini: `Opera/9.80 (...) Presto/`). HTTP libraries, `-`, `WordPress/6.7`,
# `Iframely/1.3` and Outlook's `Microsoft Office/16.0 (...)` do not. Old IE named its engine
# inside the platform: it is gone, and its User-Agent is the one Outlook.com's link preview sends.
_BROWSER = re.compile(
    r"(?:mozilla/5\.0|opera/9\.80) \((?:[^()]|\([^()]*\))+\) "
    r".*?(?:applewebkit/\d|gecko/\d|like gecko|presto/\d)"
)
# A backslash before anything but a letter or digit only escapes it.
_ESCAPE = re.compile(r"\\([^a-zA-Z0-9])")
# Outside an escape (`\S` is not `\s`), a letter in a pattern stands for itself.
_UNESCAPED = re.compile(r"\\.|[^\\]+")
_SYNTAX = frozenset(".^$*+?{}[]|()\\")

type Trie = dict[str, Trie]


def is_automated(user_agent: str) -> bool:
    """An empty User-Agent is automation too: every browser sends one."""
    agent = folded(user_agent)
    if _BROWSER.match(agent) is None:
        return True
    return any(pattern.search(agent) for pattern in _listed())


@cache
def _listed() -> tuple[re.Pattern[str], ...]:
    """The trie of the plain patterns, then each other one, all matching folded text.

    Built on the first call rather than at import: reading and compiling the list takes about
    80 ms, which a cold start that counts nothing should not pay.
    """
    from crawleruseragents import (  # type: ignore[import-untyped]  # noqa: PLC0415
        CRAWLER_USER_AGENTS_DATA,
    )

    patterns: list[str] = [crawler["pattern"] for crawler in CRAWLER_USER_AGENTS_DATA]
    literals = [_literal(pattern) for pattern in patterns]
    plain = {text.casefold() for text in literals if text}
    others = [pattern for pattern, text in zip(patterns, literals, strict=True) if not text]
    return (re.compile(_trie(plain)), *(re.compile(_lowercased(other)) for other in others))


def _literal(pattern: str) -> str | None:
    """The text a pattern matches when it is plain text (most are: `Googlebot\\/`), else None."""
    return None if _SYNTAX.intersection(_ESCAPE.sub("", pattern)) else _ESCAPE.sub(r"\1", pattern)


def _lowercased(pattern: str) -> str:
    return _UNESCAPED.sub(lambda part: part[0] if part[0][0] == "\\" else part[0].lower(), pattern)


def _trie(words: Iterable[str]) -> str:
    root: Trie = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(root)


def _branches(node: Trie) -> str:
    # A word that ends here matches already: the longer words through this node add nothing.
    if "" in node:
        return ""
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items())]
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
