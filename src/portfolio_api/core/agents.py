"""What a User-Agent says about a visitor's software: browser family, OS family, device type.

Parsed by ua-parser (its default parser keeps a cache keyed by the string); the string itself is
never stored, only these three families, each from a short list a person reads.
"""

from dataclasses import dataclass

MAX_FAMILY_LENGTH = 50
OTHER = "Other"
_MOBILE_OS = frozenset({"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Tizen"})
_TABLET_WORDS = ("ipad", "tablet", "kindle", "playbook", "nexus 7", "nexus 9", "nexus 10")


@dataclass(frozen=True, kw_only=True, slots=True)
class Software:
    browser: str
    os: str
    device_type: str


def software_of(user_agent: str) -> Software:
    # Imported on the first tracked call, not at start: its import and rules took 0.26 s here,
    # which every cold start would pay, reads included.
    import ua_parser  # noqa: PLC0415

    parsed = ua_parser.parse(user_agent).with_defaults()
    os = _family(parsed.os.family)
    return Software(
        browser=_family(parsed.user_agent.family),
        os=os,
        device_type=_device_type(user_agent, device=parsed.device.family, os=os),
    )


def _family(name: str) -> str:
    return name.strip()[:MAX_FAMILY_LENGTH] or OTHER


def _device_type(user_agent: str, *, device: str, os: str) -> str:
    """desktop, mobile or tablet: Android tablets are the Android browsers without `Mobile`."""
    lowered = f"{device} {user_agent}".lower()
    if any(word in lowered for word in _TABLET_WORDS):
        return "tablet"
    if os == "Android" and "mobile" not in user_agent.lower():
        return "tablet"
    return "mobile" if os in _MOBILE_OS else "desktop"
