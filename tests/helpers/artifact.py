"""The Lambda artifact that `sam build` makes of ApiFunction: building it, reading what is in it.

`python -m tests.helpers.artifact DIR` prints an artifact's size (`make build` does).
"""

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from portfolio_api.devstack import REPO_ROOT
from tests.helpers.sam import SAM_CLI, run_tool, tool_environment, uv_command

FUNCTION = "ApiFunction"
ARM64_PLATFORM = "aarch64-manylinux_2_34"
X86_64_PLATFORM = "x86_64-manylinux_2_34"
LAMBDA_PYTHON = "3.12"
# ELF e_machine values (the ELF specification's EM_X86_64 and EM_AARCH64).
ELF_MACHINES = {"x86_64": 62, "aarch64": 183}
# AWS documents no fixed SDK version for the python3.12 runtime (it varies by region and moves
# with runtime updates), so the oldest that pyproject.toml accepts (boto3>=1.40) stands in for
# it, with its own dependencies as they were on PyPI the day it came out.
RUNTIME_SDK = ("boto3==1.40.0", "botocore==1.40.0")
RUNTIME_SDK_AS_OF = "2025-08-01"


@dataclass(frozen=True, kw_only=True)
class ArtifactSize:
    files: int
    unzipped: int

    @property
    def unzipped_mb(self) -> float:
        return self.unzipped / 1e6


def build_artifact(*, build_dir: Path, platform: str | None = None) -> Path:
    """`sam build` of the function into `build_dir`; `platform` overrides the Makefile's default."""
    env = tool_environment() | {"UV_PYTHON_DOWNLOADS": "never"}
    env.pop("LAMBDA_PLATFORM", None)
    if platform:
        env["LAMBDA_PLATFORM"] = platform
    result = run_tool(
        SAM_CLI,
        "sam",
        "build",
        FUNCTION,
        "--no-cached",
        "--build-dir",
        str(build_dir),
        "--cache-dir",
        str(build_dir.with_name(f"{build_dir.name}-cache")),
        env=env,
    )
    if result.returncode != 0:
        raise RuntimeError(f"sam build failed:\n{result.stdout}\n{result.stderr}")
    return build_dir / FUNCTION


def install_runtime_sdk(*, target: Path, platform: str) -> Path:
    """What the python3.12 runtime ships in /var/runtime: boto3, botocore and their dependencies."""
    result = subprocess.run(
        [
            *uv_command(),
            "pip",
            "install",
            "--quiet",
            "--target",
            str(target),
            "--python-version",
            LAMBDA_PYTHON,
            "--python-platform",
            platform,
            "--only-binary",
            ":all:",
            "--exclude-newer",
            RUNTIME_SDK_AS_OF,
            *RUNTIME_SDK,
        ],
        cwd=REPO_ROOT,
        env=tool_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"installing the runtime's SDK failed:\n{result.stderr}")
    shutil.rmtree(target / "bin", ignore_errors=True)
    return target


def _export(*arguments: str) -> set[str]:
    result = subprocess.run(
        [
            *uv_command(),
            "export",
            "--frozen",
            "--no-dev",
            "--no-emit-project",
            "--no-hashes",
            *arguments,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    names = (re.split(r"[=;\s]", line, maxsplit=1)[0] for line in result.stdout.splitlines())
    return {normalized(name) for name in names if name and not name.startswith(("#", "-"))}


def locked_runtime_distributions() -> set[str]:
    """Every distribution uv.lock has for the app at run time (boto3 included)."""
    return _export()


def runtime_sdk_packages() -> list[str]:
    """The Makefile's LAMBDA_RUNTIME_SDK: what the build leaves to the python3.12 runtime."""
    makefile = (REPO_ROOT / "Makefile").read_text()
    packages: list[str] = re.findall(r"^LAMBDA_RUNTIME_SDK := (.+)$", makefile, flags=re.MULTILINE)
    assert len(packages) == 1, "the Makefile must set LAMBDA_RUNTIME_SDK once"
    return packages[0].split()


def distributions_left_to_runtime() -> set[str]:
    """boto3, botocore and what only they need: the runtime ships them."""
    pruned = [argument for name in runtime_sdk_packages() for argument in ("--prune", name)]
    return _export() - _export(*pruned)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_distributions(root: Path) -> dict[str, str]:
    """Name -> version of each distribution installed in `root` (from its .dist-info folder)."""
    found: dict[str, str] = {}
    for info in root.glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        found[normalized(name)] = version
    return found


def files_of(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def size_of(root: Path) -> ArtifactSize:
    """What Lambda counts against its unzipped limit: the files' own sizes."""
    files = files_of(root)
    return ArtifactSize(files=len(files), unzipped=sum(path.stat().st_size for path in files))


def zipped_size(root: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files_of(root):
            archive.write(path, path.relative_to(root).as_posix())
    return buffer.tell()


def elf_machine(path: Path) -> int | None:
    """The ELF header's e_machine, or None for a file that is no 64-bit little-endian ELF."""
    with path.open("rb") as file:
        header = file.read(20)
    if len(header) < 20 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
        return None
    return int.from_bytes(header[18:20], "little")


def native_libraries(root: Path) -> list[Path]:
    return [path for path in files_of(root) if elf_machine(path) is not None]


def largest_entries(root: Path, *, count: int = 5) -> list[tuple[str, int]]:
    """The top-level folders and files that weigh most, for a failure message."""
    sizes: dict[str, int] = {}
    for path in files_of(root):
        top = path.relative_to(root).parts[0]
        sizes[top] = sizes.get(top, 0) + path.stat().st_size
    return sorted(sizes.items(), key=lambda item: item[1], reverse=True)[:count]


def lambda_python() -> str:
    """A python3.12 outside any virtual environment, as the runtime's own is."""
    result = subprocess.run(
        [*uv_command(), "python", "find", "--system", LAMBDA_PYTHON],
        cwd=REPO_ROOT,
        env=tool_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found = result.stdout.strip() or shutil.which(f"python{LAMBDA_PYTHON}")
    if not found:
        raise RuntimeError(f"no python{LAMBDA_PYTHON} found: {result.stderr}")
    return os.path.realpath(found)


def _report(root: Path) -> str:
    size = size_of(root)
    zipped = zipped_size(root)
    heaviest = ", ".join(f"{name} {weight / 1e6:.1f}" for name, weight in largest_entries(root))
    return (
        f"{root}: {size.files} files, {size.unzipped_mb:.1f} MB unzipped, "
        f"{zipped / 1e6:.1f} MB zipped (heaviest, MB: {heaviest})"
    )


if __name__ == "__main__":
    print(_report(Path(sys.argv[1])))
