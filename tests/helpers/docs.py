"""What the docs name, checked against the repository: make targets, samconfig environments,
settings and other variables, file paths. tests/unit/test_docs.py runs it on every doc.

Only code is read for names: inline code spans, fenced blocks (make targets and --config-env
only) and table rows, never prose, so ordinary words never count.
"""

import fnmatch
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from portfolio_api.devstack import REPO_ROOT

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
# `make <target>`, after any VAR=value or -option words; the first word that follows is the target.
MAKE = re.compile(r"(?<![\w/.-])make((?:[ \t]+(?:-\S+|[A-Za-z_]\w*=\S*))*)[ \t]+([a-z][\w-]*)")
CONFIG_ENV = re.compile(r"--config-env[ =]+([A-Za-z0-9_-]+)(?![<>$\w])")
# UPPER_SNAKE with at least one underscore: a setting or an environment variable...
SNAKE = re.compile(r"(?<![\w.$/{-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w(/-])")
# ... or any upper-case name being assigned, as in `ENV=prod make deploy`.
ASSIGNED = re.compile(r"(?<![\w$./-])([A-Z][A-Z0-9_]*)=")
FILE_EXTENSIONS = frozenset(
    {".py", ".md", ".toml", ".json", ".yaml", ".yml", ".lock", ".txt", ".cfg", ".sh", ".jar"}
)
# Placeholders, URLs, globs, options, API paths (/v1/...), home folders: no repository path.
NOT_A_PATH = re.compile(r"""[<>{}*$:@…(),=?'"\\]|^[-/~]|^\.{1,2}$""")


def without_fences(text: str) -> str:
    return FENCE.sub("", text)


def fenced_blocks(text: str) -> list[str]:
    return FENCE.findall(text)


def code_spans(text: str) -> list[str]:
    return CODE_SPAN.findall(without_fences(text))


def table_rows(text: str) -> list[str]:
    return [line for line in without_fences(text).splitlines() if line.lstrip().startswith("|")]


def unknown_make_targets(text: str, *, targets: set[str]) -> set[str]:
    """`make x` in code, where the Makefile has no target x."""
    code = [*code_spans(text), *fenced_blocks(text)]
    named = {match.group(2) for snippet in code for match in MAKE.finditer(snippet)}
    return named - targets


def unknown_config_envs(text: str, *, sections: set[str]) -> set[str]:
    """`--config-env x` anywhere, where samconfig.toml has no section x."""
    return set(CONFIG_ENV.findall(text)) - sections


def unknown_variables(text: str, *, known: Callable[[str], bool]) -> set[str]:
    """UPPER_SNAKE names in code spans and tables, and NAME= in code spans, nothing knows."""
    places = [*code_spans(text), *table_rows(text)]
    names = {name for place in places for name in SNAKE.findall(place)}
    names |= {name for span in code_spans(text) for name in ASSIGNED.findall(span)}
    return {name for name in names if not known(name)}


def path_candidates(text: str) -> set[str]:
    """Words of code spans that look like repository paths, and relative link targets."""
    words = {word for span in code_spans(text) for word in span.split()}
    links = {target.split("#")[0] for target in LINK.findall(text)}
    links = {link for link in links if link and "://" not in link and not link.startswith("#")}
    return {word for word in words if _looks_like_path(word)} | links


def _looks_like_path(word: str) -> bool:
    if NOT_A_PATH.search(word):
        return False
    last = word.rstrip("/").rsplit("/", 1)[-1]
    return "/" in word or Path(last).suffix in FILE_EXTENSIONS


def missing_paths(text: str, *, repository: "RepositoryFiles") -> set[str]:
    candidates = {path for path in path_candidates(text) if repository.may_hold(path)}
    return {path for path in candidates if not repository.exists(path)}


class RepositoryFiles:
    """Every file and folder of the checkout, git-ignored ones aside, by relative path."""

    def __init__(self, root: Path = REPO_ROOT) -> None:
        self.root = root
        self.ignored = _ignore_patterns(root / ".gitignore")
        self.paths = set(_walk(root, skip=self.is_ignored))
        self.folders = {path.rsplit("/", 1)[-1] for path in self.paths if (root / path).is_dir()}

    def may_hold(self, candidate: str) -> bool:
        """A file name, or a path from one of our folders: `visitors/track` (an API path) and
        `application/json` (a media type) name nothing here."""
        first = candidate.removeprefix("./").removeprefix("../").split("/", 1)[0]
        last = candidate.rstrip("/").rsplit("/", 1)[-1]
        return Path(last).suffix in FILE_EXTENSIONS or first in self.folders

    def is_ignored(self, candidate: str) -> bool:
        """As git reads .gitignore: a pattern with a slash from the root, one without anywhere."""
        parts = candidate.strip("/").split("/")
        prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
        return any(
            any(fnmatch.fnmatch(p, pattern) for p in (prefixes if "/" in pattern else parts))
            for pattern in self.ignored
        )

    def exists(self, candidate: str) -> bool:
        """The path as written, from the root or from any folder (`core/logging.py`), or a
        `module.attribute` reference such as `tests/helpers/clock.FakeClock`."""
        if self.is_ignored(candidate):
            return True
        path = candidate.removeprefix("./").removeprefix("../").rstrip("/")
        forms = {path}
        if "." in path.rsplit("/", 1)[-1] and Path(path).suffix not in FILE_EXTENSIONS:
            forms.add(path.rsplit(".", 1)[0] + ".py")
        return any(p == f or p.endswith("/" + f) for f in forms for p in self.paths)


def _ignore_patterns(gitignore: Path) -> list[str]:
    lines = (line.strip() for line in gitignore.read_text().splitlines())
    return [line.strip("/") for line in lines if line and not line.startswith("#")]


def _walk(root: Path, *, skip: Callable[[str], bool]) -> Iterable[str]:
    """Relative paths of what git would see: ignored folders are not entered."""
    for folder, dirs, files in os.walk(root):
        relative = Path(folder).relative_to(root)
        dirs[:] = [
            name for name in dirs if name != ".git" and not skip((relative / name).as_posix())
        ]
        for name in [*dirs, *files]:
            yield (relative / name).as_posix()


def makefile_targets(makefile: Path = REPO_ROOT / "Makefile") -> set[str]:
    rule = re.compile(r"^([A-Za-z0-9][\w.-]*)\s*:(?!=)", re.MULTILINE)
    return set(rule.findall(makefile.read_text()))
