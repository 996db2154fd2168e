"""Pythons as users' machines have them, built from this interpreter's own installation.

- An externally managed system Python (PEP 668: Debian 12, Ubuntu 24.04, Homebrew): not a venv,
  an `EXTERNALLY-MANAGED` marker in its stdlib folder, so its pip refuses to install anything.
  A venv would not do: pip ignores the marker inside one.
- A pyenv shim: `python3.12` that runs only while PYENV_VERSION does not select another version,
  as pyenv's shims do (PYENV_VERSION outranks the repo's .python-version).
"""

import shutil
import subprocess
import sys
from pathlib import Path

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
BASE = Path(sys.base_prefix)
BASE_STDLIB = BASE / "lib" / f"python{VERSION}"
MARKER = "[externally-managed]\nError=To install Python packages system-wide, use apt.\n"


def base_python() -> Path:
    """The interpreter this venv was made from: uv never builds a project on a venv's one."""
    return BASE / "bin" / f"python{VERSION}"


def externally_managed_python(root: Path) -> Path:
    """A copy of the base interpreter whose prefix is `root`; returns its bin folder.

    The binary is copied, not linked: Python finds its prefix from where the executable is.
    The stdlib is linked entry by entry, pip included, but site-packages is its own.
    """
    stdlib = root / "lib" / f"python{VERSION}"
    site_packages = stdlib / "site-packages"
    site_packages.mkdir(parents=True)
    for entry in BASE_STDLIB.iterdir():
        if entry.name != "site-packages":
            (stdlib / entry.name).symlink_to(entry)
    (site_packages / "pip").symlink_to(BASE_STDLIB / "site-packages" / "pip")
    (stdlib / "EXTERNALLY-MANAGED").write_text(MARKER)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    shutil.copy2(base_python(), bin_dir / "python3")
    return bin_dir


def pyenv_like_shim(bin_dir: Path) -> Path:
    """`python3.12` that fails as pyenv's shim does when PYENV_VERSION names another version."""
    bin_dir.mkdir(parents=True)
    shim = bin_dir / f"python{VERSION}"
    shim.write_text(
        "#!/bin/sh\n"
        'if [ -n "$PYENV_VERSION" ]; then\n'
        f'  echo "pyenv: python{VERSION}: command not found" >&2; exit 127\n'
        "fi\n"
        f'exec "{base_python()}" "$@"\n'
    )
    shim.chmod(0o755)
    return bin_dir


def command_links(bin_dir: Path, *names: str) -> Path:
    """A folder holding only these commands, for a PATH that has no uv and no other Python."""
    bin_dir.mkdir(parents=True)
    for name in names:
        found = shutil.which(name)
        if found is None:
            raise FileNotFoundError(f"{name} is not on PATH")
        (bin_dir / name).symlink_to(found)
    return bin_dir


def make_venv(*, python: Path, target: Path) -> Path:
    """`python -m venv target` with pip, as a user makes one; returns its bin folder."""
    subprocess.run([str(python), "-m", "venv", str(target)], check=True, timeout=120)
    return target / "bin"
