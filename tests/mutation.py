"""`make mutation`: mutmut on each module of MODULES, against that module's fast unit tests.

mutmut takes one configuration per folder (its pyproject.toml) and works in that folder's
`mutants/`. So each module gets a folder of its own, `mutants/<module>/`, holding links to `src`
and `tests` and a pyproject.toml made from ours: the pytest settings as they are (warnings are
errors, markers strict) and our `[tool.mutmut]` plus the module (`only_mutate`) and its tests
(`pytest_add_cli_args_test_selection`). mutmut then runs each mutant against those of the tests
that call the mutated function. Every run starts afresh: mutmut keeps a verdict across runs even
when the tests have changed since.

Run: `uv run --frozen python -m tests.mutation [MODULE ...]` (default: all of MODULES).
It prints killed / total per module, writes each module's surviving mutants as diffs to
`mutants/<module>/survivors.diff`, and exits 1 when a module is under GOAL.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# One line per module: the file to mutate, and the pytest arguments (files, node ids) of the fast
# unit tests that must kill its mutants. No DynamoDB Local, no moto server: minutes, not hours.
MODULES: dict[str, tuple[str, ...]] = {
    "src/portfolio_api/core/security.py": (
        "tests/unit/test_token_verifier.py",
        "tests/unit/test_jwks.py",
    ),
    "src/portfolio_api/services/content.py": (
        "tests/unit/test_content_service.py",
        "tests/unit/test_content_pages.py",
    ),
    "src/portfolio_api/services/visitors.py": ("tests/unit/test_visitor_service.py",),
    "src/portfolio_api/services/identities.py": (
        "tests/unit/test_visitor_identities.py",
        "tests/unit/test_visitor_service.py",
    ),
    "tests/helpers/architecture.py": ("tests/unit/test_architecture.py",),
}
GOAL = 0.90
# Files the tests read from the repository's root, which mutmut must copy next to its copy of
# the package (tests on in-process moto make their tables from template.yaml).
DATA_FILES = ("template.yaml",)

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants"
MUTMUT = Path(sys.executable).with_name("mutmut")
# mutmut's statuses that mean the tests noticed the mutant: they failed, or hung until mutmut's
# time limit (mutmut's own score counts both).
DETECTED = ("killed", "timeout")
_SHOW_EACH = """
import sys
from mutmut.__main__ import cli
for name in sys.argv[1:]:
    cli.main(["show", name], standalone_mode=False)
"""


@dataclass(frozen=True)
class Outcome:
    module: str
    total: int
    killed: int
    survived: int
    seconds: float
    undetected: list[tuple[str, str]]  # (mutant, mutmut's status), survivors and the like

    @property
    def score(self) -> float:
        return self.killed / self.total if self.total else 0.0


def _toml(value: object) -> str:
    """The TOML of the values a pyproject holds here; JSON strings are TOML basic strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def _pyproject(module: str, tests: tuple[str, ...]) -> str:
    tool: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    tables = {
        "tool.pytest.ini_options": tool["pytest"]["ini_options"],
        "tool.mutmut": {
            **tool["mutmut"],
            # A helper of the tests (tests/helpers/architecture.py) is mutated in mutmut's copy
            # of tests/, so that folder is a source path too; src stays one, for the imports.
            "source_paths": sorted({*tool["mutmut"]["source_paths"], Path(module).parts[0]}),
            "also_copy": [*tool["mutmut"].get("also_copy", []), *DATA_FILES],
            "only_mutate": [module],
            "pytest_add_cli_args_test_selection": list(tests),
        },
    }
    return "\n".join(
        f"[{name}]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in table.items())
        for name, table in tables.items()
    )


def _folder(module: str) -> Path:
    """mutants/portfolio_api.core.security for src/portfolio_api/core/security.py,
    mutants/tests.helpers.architecture for tests/helpers/architecture.py."""
    parts = Path(module).with_suffix("").parts
    return WORK / ".".join(parts[1:] if parts[0] == "src" else parts)


def _check_table() -> None:
    for module, tests in MODULES.items():
        missing = [
            path
            for path in (module, *(test.split("::")[0] for test in tests))
            if not path.startswith("-") and not (ROOT / path).exists()
        ]
        if missing:
            sys.exit(f"tests/mutation.py: MODULES names files that do not exist: {missing}")


def _mutmut(folder: Path, *args: str) -> str:
    done = subprocess.run(
        [str(MUTMUT), *args], cwd=folder, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"mutmut {' '.join(args)} failed in {folder}:\n{done.stdout}{done.stderr}")
    return done.stdout


def _diffs(folder: Path, mutants: list[str]) -> str:
    """`mutmut show` of each mutant, in one process: importing mutmut alone takes 1.5 s."""
    if not mutants:
        return ""
    done = subprocess.run(
        [sys.executable, "-c", _SHOW_EACH, *mutants],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _run_mutmut(folder: Path, *, jobs: int) -> None:
    """`mutmut run`, its output (a progress line redrawn per mutant) in mutmut.log."""
    log = folder / "mutmut.log"
    with log.open("w") as sink:
        done = subprocess.run(
            [str(MUTMUT), "run", "--max-children", str(jobs)],
            cwd=folder,
            stdout=sink,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        sys.exit(
            f"mutmut run failed in {folder} (exit {done.returncode}):\n{log.read_text()[-3000:]}"
        )


def run_module(module: str, tests: tuple[str, ...], *, jobs: int) -> Outcome:
    folder = _folder(module)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("src", "tests"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    for name in DATA_FILES:
        (folder / name).symlink_to(ROOT / name)
    (folder / "pyproject.toml").write_text(_pyproject(module, tests))
    print(f"{module}: mutmut against {' '.join(tests)} (log: {folder / 'mutmut.log'})", flush=True)

    started = time.monotonic()
    _run_mutmut(folder, jobs=jobs)
    seconds = time.monotonic() - started

    _mutmut(folder, "export-cicd-stats")
    stats = json.loads((folder / "mutants" / "mutmut-cicd-stats.json").read_text())
    undetected = [
        (name.strip(), status.strip())
        for name, _, status in (
            line.rpartition(": ") for line in _mutmut(folder, "results").splitlines()
        )
        if name.strip() and status.strip() not in DETECTED
    ]
    (folder / "survivors.diff").write_text(_diffs(folder, [name for name, _ in undetected]))
    return Outcome(
        module=module,
        total=stats["total"],
        killed=sum(stats[status] for status in DETECTED),
        survived=stats["survived"],
        seconds=seconds,
        undetected=undetected,
    )


def report(outcomes: list[Outcome], *, seconds: float) -> bool:
    """Print the summary; whether every module reached GOAL."""
    width = max(len(outcome.module) for outcome in outcomes)
    print(f"\n{'module':<{width}}  mutants  killed  survived  other  killed %    time")
    for o in outcomes:
        other = o.total - o.killed - o.survived
        print(
            f"{o.module:<{width}}  {o.total:>7}  {o.killed:>6}  {o.survived:>8}  {other:>5}"
            f"  {o.score:>7.1%}  {o.seconds:>5.0f} s"
        )
    print(f"wall time {seconds:.0f} s; goal {GOAL:.0%} killed per module")
    for o in outcomes:
        if o.undetected:
            print(f"\n{o.module}: not killed (diffs in {_folder(o.module) / 'survivors.diff'})")
            for name, status in o.undetected:
                print(f"  {name}: {status}")
    below = [o.module for o in outcomes if o.score < GOAL]
    if below:
        print(f"\nUnder {GOAL:.0%} killed: {', '.join(below)}")
    return not below


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("modules", nargs="*", metavar="MODULE", help="a key of MODULES")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants at once")
    args = parser.parse_args()
    unknown = sorted(set(args.modules) - set(MODULES))
    if unknown:
        parser.error(f"not in MODULES: {', '.join(unknown)}")
    _check_table()
    started = time.monotonic()
    outcomes = [
        run_module(module, MODULES[module], jobs=args.jobs) for module in args.modules or MODULES
    ]
    sys.exit(0 if report(outcomes, seconds=time.monotonic() - started) else 1)


if __name__ == "__main__":
    main()
