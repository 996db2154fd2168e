"""Country of an IANA time zone, from `zone.tab`: each zone belongs to exactly one country.

`zone1970.tab` groups zones that have agreed since 1970 across borders (Africa/Kampala is listed
under Nairobi, so Uganda would read as Kenya); `zone.tab` keeps one line per zone and country.
The copy in `data/` is the `tzdata` package's (a unit test holds them equal; to update it, copy
the installed one): the Lambda artifact carries 19 KB instead of the package's 2.7 MB.
"""

from functools import cache
from importlib import resources

UNKNOWN = "unknown"


@cache
def _countries() -> dict[str, str]:
    table = resources.files("portfolio_api.core").joinpath("data/zone.tab").read_text("utf-8")
    countries = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, zone, *_comment = line.split("\t")
            countries[zone] = code
    return countries


def country_of_zone(zone: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of the zone's country; None for a zone zone.tab lacks
    (`UTC`, `Etc/GMT+3`, a made-up name)."""
    return _countries().get(zone)


def country_code(header: str | None) -> str | None:
    """A two-letter code as CloudFront's `CloudFront-Viewer-Country` sends it, else None."""
    if header is None:
        return None
    code = header.strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None
