"""samconfig.toml as `sam deploy --config-env <env>` reads it: stack, region, parameter overrides.

`--parameter-overrides` on the command line replaces the section's list instead of adding to it,
so whoever adds a parameter at deploy time reads the list here, merges, and passes it whole.
"""

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio_api.devstack import REPO_ROOT

SAMCONFIG = REPO_ROOT / "samconfig.toml"
# Tables that are no environment: the file's version, and what commands without --config-env read.
NOT_ENVIRONMENTS = frozenset({"version", "default"})

# The SAM CLI's own grammar (samcli.cli.types.CfnParameterOverridesType): `Key=Value` pairs
# separated by spaces; a value may be quoted, with \" \' and "\ " escapes.
_KEY = r"""[A-Za-z0-9"']+"""
_VALUE = r""""(?:\\.|[^"\\]+)*"|'(?:\\.|[^'\\]+)*'|(?:\\.|[^ "\\]+)+"""
_PAIR = re.compile(rf" +({_KEY})=({_VALUE})")
_PLAIN_VALUE = re.compile(r"""[^\s"'\\]+""")


class SamConfigError(ValueError):
    """samconfig.toml lacks what a deploy needs; the message names the section and the key."""


@dataclass(frozen=True, kw_only=True)
class DeployTarget:
    environment: str
    stack_name: str
    region: str
    overrides: dict[str, str]


def load_samconfig(path: Path = SAMCONFIG) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def environments(config: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in config if name not in NOT_ENVIRONMENTS)


def deploy_target(config: Mapping[str, Any], *, environment: str) -> DeployTarget:
    if environment not in environments(config):
        raise SamConfigError(
            f"samconfig.toml has no environment {environment!r}; "
            f"it has {', '.join(environments(config))}"
        )
    return DeployTarget(
        environment=environment,
        stack_name=_setting(config, environment=environment, key="stack_name"),
        region=_setting(config, environment=environment, key="region"),
        overrides=parse_overrides(
            _setting(config, environment=environment, key="parameter_overrides", default=[])
        ),
    )


def _setting(config: Mapping[str, Any], *, environment: str, key: str, default: Any = None) -> Any:
    """As SAM looks a key up: the deploy command's table first, then the environment's global."""
    section = config[environment]
    for command in ("deploy", "global"):
        parameters = section.get(command, {}).get("parameters", {})
        if key in parameters:
            return parameters[key]
    if default is None:
        raise SamConfigError(f"samconfig.toml's [{environment}] sets no {key}")
    return default


def parse_overrides(value: object) -> dict[str, str]:
    """`parameter_overrides` as a list of `Key=Value` strings (or one string) into a dict."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise SamConfigError("parameter_overrides must be a list of Key=Value strings")
    parsed: dict[str, str] = {}
    for item in items:
        parsed |= _parse_pairs(item)
    return parsed


def _parse_pairs(text: str) -> dict[str, str]:
    if "ParameterKey=" in text:
        raise SamConfigError(f"write {text!r} as Key=Value pairs")
    padded = " " + text.strip()
    matches = list(_PAIR.finditer(padded))
    # Stricter than SAM, which skips what its pattern does not match: a typo must not vanish.
    if not matches or "".join(match.group(0) for match in matches) != padded:
        raise SamConfigError(f"{text!r} is not a list of Key=Value pairs")
    return {_unquote(match.group(1)): _unquote(match.group(2)) for match in matches}


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text.replace("\\ ", " ").replace('\\"', '"').replace("\\'", "'")


def render_overrides(overrides: Mapping[str, str]) -> list[str]:
    """The arguments of `--parameter-overrides` that SAM parses back into `overrides`."""
    rendered = []
    for key, value in overrides.items():
        if '"' in value or "\\" in value:
            raise SamConfigError(f"{key}'s value may hold neither quotes nor backslashes")
        rendered.append(f"{key}={value}" if _PLAIN_VALUE.fullmatch(value) else f'{key}="{value}"')
    return rendered
