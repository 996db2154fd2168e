"""`make browser`, which `make test` runs first: Chromium for the browser test, installed with
apt-get when it is missing, quiet when it is there, and a clear message where it cannot install.

Each test runs the Makefile in a copy of it, with a PATH of stand-ins: `id` says who we are,
`apt-get` and `sudo` log their calls (apt-get's install puts a `chromium` on PATH), so no test
installs anything or needs root.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from portfolio_api.devstack import REPO_ROOT
from tests.helpers.pythons import command_links

pytestmark = pytest.mark.e2e

COMMANDS = ("make", "env", "sh", "bash")
HINTS = ("apt install chromium", "brew install --cask chromium", "CHROMIUM=")
INSTALL = "apt-get install -y -qq --no-install-recommends chromium"


class Machine:
    """A project folder and a PATH of stand-ins, whose calls go to a log."""

    def __init__(self, tmp_path: Path) -> None:
        self.project = tmp_path / "project"
        self.project.mkdir()
        shutil.copy2(REPO_ROOT / "Makefile", self.project / "Makefile")
        self.fakes = tmp_path / "fakes"
        self.fakes.mkdir()
        self.log = tmp_path / "calls.log"
        self.log.touch()
        self.commands = command_links(tmp_path / "commands", *COMMANDS)

    def script(self, name: str, body: str) -> Path:
        path = self.fakes / name
        path.write_text(f"#!{shutil.which('bash')}\n{body}\n")
        path.chmod(0o755)
        return path

    def user(self, uid: int) -> None:
        self.script("id", f"echo {uid}")

    def apt_get(self, *, works: bool = True) -> None:
        chromium = self.fakes / "chromium"
        installs = f"printf '#!/bin/sh\\n' > {chromium}; {shutil.which('chmod')} +x {chromium}"
        body = f'echo "apt-get $*" >> {self.log}'
        if works:
            body += f'\n[ "$1" = install ] && {{ {installs}; }}\nexit 0'
        else:
            body += "\necho 'E: Unable to locate package chromium'\nexit 100"
        self.script("apt-get", body)

    def sudo(self) -> None:
        self.script("sudo", f'echo "sudo $*" >> {self.log}\nexec "$@"')

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()

    def make_browser(
        self, *, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        make = shutil.which("make")
        assert make is not None
        return subprocess.run(
            [make, "--no-print-directory", "browser"],
            cwd=self.project,
            env={"PATH": f"{self.fakes}:{self.commands}", "HOME": str(self.project)} | (env or {}),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def _report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def test_with_chromium_on_path_it_does_nothing_quietly(machine: Machine) -> None:
    # GIVEN chromium on PATH, as root with apt-get at hand
    machine.user(0)
    machine.apt_get()
    machine.script("chromium", "exit 0")
    # WHEN make browser runs
    result = machine.make_browser()
    # THEN it says nothing and calls nothing
    assert result.returncode == 0, _report(result)
    assert (result.stdout, result.stderr) == ("", "")
    assert machine.calls() == []


def test_as_root_it_installs_debians_chromium_once(machine: Machine) -> None:
    # GIVEN no chromium, as root (CI), with apt-get
    machine.user(0)
    machine.apt_get()
    # WHEN make browser runs twice
    first = machine.make_browser()
    second = machine.make_browser()
    # THEN the first updates the lists and installs chromium, saying so in one line
    assert first.returncode == 0, _report(first)
    assert first.stdout.splitlines() == [
        "No Chromium for the browser test: apt-get install chromium"
    ]
    assert machine.calls() == ["apt-get update -qq", INSTALL]
    # AND the second finds it and stays silent
    assert second.returncode == 0, _report(second)
    assert (second.stdout, second.stderr) == ("", "")
    assert len(machine.calls()) == 2


def test_as_a_user_with_sudo_it_installs_through_sudo(machine: Machine) -> None:
    # GIVEN no chromium, a user who is not root, and sudo
    machine.user(1000)
    machine.apt_get()
    machine.sudo()
    # WHEN make browser runs
    result = machine.make_browser()
    # THEN apt-get ran through sudo
    assert result.returncode == 0, _report(result)
    assert machine.calls() == [
        "sudo apt-get update -qq",
        "apt-get update -qq",
        f"sudo env DEBIAN_FRONTEND=noninteractive {INSTALL}",
        INSTALL,
    ]


def test_as_a_user_without_sudo_it_says_what_to_install(machine: Machine) -> None:
    # GIVEN no chromium, a user who is not root, and no sudo
    machine.user(1000)
    machine.apt_get()
    # WHEN make browser runs
    result = machine.make_browser()
    # THEN it fails, naming each way to get a Chromium, and installs nothing
    assert result.returncode != 0
    assert all(hint in result.stderr for hint in HINTS), result.stderr
    assert machine.calls() == []


def test_a_failed_install_shows_apt_gets_output_and_what_to_do(machine: Machine) -> None:
    # GIVEN root, but an apt-get that cannot find the package
    machine.user(0)
    machine.apt_get(works=False)
    # WHEN make browser runs
    result = machine.make_browser()
    # THEN it fails with apt-get's own words and the hints
    assert result.returncode != 0
    assert "Unable to locate package chromium" in result.stderr
    assert all(hint in result.stderr for hint in HINTS), result.stderr


def test_chromium_names_a_binary_of_ones_own(machine: Machine, tmp_path: Path) -> None:
    # GIVEN no chromium on PATH, but CHROMIUM naming a Chrome binary, and one naming nothing
    machine.user(0)
    machine.apt_get()
    chrome = machine.script("google-chrome", "exit 0")
    # WHEN make browser runs with each
    found = machine.make_browser(env={"CHROMIUM": str(chrome)})
    missing = machine.make_browser(env={"CHROMIUM": str(tmp_path / "nothing")})
    # THEN the binary is taken as it is, and the missing one is refused, neither installing
    assert found.returncode == 0, _report(found)
    assert (found.stdout, found.stderr) == ("", "")
    assert missing.returncode != 0
    assert "is not an executable file" in missing.stderr
    assert machine.calls() == []
