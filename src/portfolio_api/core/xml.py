"""XML written as text, a piece at a time, so a feed can measure each item before it adds it.

Only a feed or the sitemap writes XML, so what it needs is loaded on their first build, never
by a cold start: `xml.sax.saxutils` and the pattern below cost about 10 ms of import.
"""

import re
from functools import cache

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def element(name: str, text: str, **attributes: str) -> str:
    """`<name a="...">text</name>`; attribute names spell `:` as `__` (`atom__link`)."""
    from xml.sax.saxutils import escape  # noqa: PLC0415  # see the module's docstring

    return f"{_open(name, attributes)}{escape(_xml_text(text))}</{name}>"


def empty(name: str, **attributes: str) -> str:
    return f"{_open(name, attributes)[:-1]}/>"


def _open(name: str, attributes: dict[str, str]) -> str:
    from xml.sax.saxutils import quoteattr  # noqa: PLC0415  # see the module's docstring

    spelled = "".join(
        f" {key.replace('__', ':')}={quoteattr(_xml_text(value))}"
        for key, value in attributes.items()
    )
    return f"<{name}{spelled}>"


def _xml_text(text: str) -> str:
    """`text` without what XML 1.0 allows no document to hold, escaped or not (stored text
    may carry some)."""
    return _not_xml().sub("", text)


@cache
def _not_xml() -> re.Pattern[str]:
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
