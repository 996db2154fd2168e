"""The Makefile's uv bootstrap on Pythons as users have them: PEP 668, an active venv, pyenv.

Each test runs `make bootstrap` in a copy of the project files uv reads, with a PATH that holds
no uv: make installs uv from PyPI into the copy's `.tools/` (pip's cache makes it quick).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from portfolio_api.devstack import REPO_ROOT
from tests.helpers.pythons import (
    command_links,
    externally_managed_python,
    make_venv,
    pyenv_like_shim,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

PROJECT_FILES = ("Makefile", "pyproject.toml", "uv.lock", ".python-version")
# What the Makefile's recipes and $(shell) calls run, besides Python and uv.
COMMANDS = ("make", "env", "ln", "mkdir", "find", "rm", "sh", "bash")
# The caller's own tool settings must not leak in: a user's shell has none of them.
DROPPED = ("PATH", "VIRTUAL_ENV", "PYENV_VERSION", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
HINTS = (
    "pyenv install 3.12",
    "apt install python3.12",
    "brew install python@3.12",
    "UV_PYTHON_DOWNLOADS=automatic",
)


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(REPO_ROOT / name, project / name)
    return project


def _environment(path: list[Path], *, extra: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in DROPPED and not key.startswith("UV_")
    }
    return env | {"PATH": os.pathsep.join(str(folder) for folder in path)} | extra


def _make(
    project: Path, *args: str, path: list[Path], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = _environment(path, extra=env or {})
    make = shutil.which("make", path=environment["PATH"])
    assert make is not None
    return subprocess.run(
        [make, "--no-print-directory", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def _private_uv_version(project: Path) -> str:
    uv = project / ".tools" / "bin" / "uv"
    return subprocess.run(
        [str(uv), "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout


def _packages(prefix: Path) -> set[str]:
    return {entry.name for entry in prefix.glob("lib/python*/site-packages/*")}


def test_on_an_externally_managed_python_uv_goes_into_a_private_venv(tmp_path: Path) -> None:
    # GIVEN a PEP 668 system Python first on PATH, whose pip refuses installs, and no uv
    system = externally_managed_python(tmp_path / "system")
    refused = subprocess.run(
        [str(system / "python3"), "-m", "pip", "install", "uv"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stderr
    project = _project(tmp_path)
    path = [system, command_links(tmp_path / "commands", *COMMANDS)]
    # WHEN make bootstraps
    first = _make(project, "bootstrap", path=path)
    # THEN uv is in the project's .tools venv, and the system Python got nothing
    assert first.returncode == 0, _report(first)
    assert "installing uv" in first.stdout
    assert _private_uv_version(project).startswith("uv ")
    assert _packages(system.parent) == {"pip"}
    # AND the next run installs nothing
    second = _make(project, "bootstrap", path=path)
    assert second.returncode == 0, _report(second)
    assert "installing uv" not in second.stdout


def test_an_active_venv_gets_no_uv_and_pyenv_version_hides_no_python(tmp_path: Path) -> None:
    # GIVEN an active venv, PYENV_VERSION naming another version (as `pyenv activate` sets
    # it), Python 3.12 only behind a pyenv-like shim, and no uv
    system = externally_managed_python(tmp_path / "system")
    venv = make_venv(python=system / "python3", target=tmp_path / "venv")
    before = _packages(venv.parent)
    shims = pyenv_like_shim(tmp_path / "shims")
    project = _project(tmp_path)
    path = [venv, shims, command_links(tmp_path / "commands", *COMMANDS)]
    env = {"VIRTUAL_ENV": str(venv.parent), "PYENV_VERSION": "3.11"}
    # WHEN make bootstraps
    result = _make(project, "bootstrap", path=path, env=env)
    # THEN uv went into .tools, not into the venv, and uv found Python 3.12 behind the shim
    assert result.returncode == 0, _report(result)
    assert _private_uv_version(project).startswith("uv ")
    assert not (venv / "uv").exists()
    assert _packages(venv.parent) == before


def test_without_python_3_12_make_says_what_to_do(tmp_path: Path) -> None:
    # GIVEN an active venv and no Python 3.12 outside it
    system = externally_managed_python(tmp_path / "system")
    venv = make_venv(python=system / "python3", target=tmp_path / "venv")
    project = _project(tmp_path)
    path = [venv, command_links(tmp_path / "commands", *COMMANDS)]
    env = {"VIRTUAL_ENV": str(venv.parent)}
    # WHEN make bootstraps
    refused = _make(project, "bootstrap", path=path, env=env)
    # THEN it stops and says how to get one, the download switch included
    assert refused.returncode != 0, _report(refused)
    for hint in HINTS:
        assert hint in refused.stderr
    # AND the download switch works from the command line and from the environment
    on_command_line = _make(
        project, "bootstrap", "UV_PYTHON_DOWNLOADS=automatic", path=path, env=env
    )
    assert on_command_line.returncode == 0, _report(on_command_line)
    in_environment = _make(
        project, "bootstrap", path=path, env=env | {"UV_PYTHON_DOWNLOADS": "automatic"}
    )
    assert in_environment.returncode == 0, _report(in_environment)
