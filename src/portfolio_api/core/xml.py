"""XML written as text, a piece at a time, so a feed can measure each item before it adds it."""

import re
from xml.sax.saxutils import escape, quoteattr

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# What XML 1.0 allows no document to hold, escaped or not (stored text may carry some).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def element(name: str, text: str, **attributes: str) -> str:
    """`<name a="...">text</name>`; attribute names spell `:` as `__` (`atom__link`)."""
    return f"{_open(name, attributes)}{escape(_NOT_XML.sub('', text))}</{name}>"


def empty(name: str, **attributes: str) -> str:
    return f"{_open(name, attributes)[:-1]}/>"


def _open(name: str, attributes: dict[str, str]) -> str:
    spelled = "".join(
        f" {key.replace('__', ':')}={quoteattr(_NOT_XML.sub('', value))}"
        for key, value in attributes.items()
    )
    return f"<{name}{spelled}>"
