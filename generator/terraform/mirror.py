"""Find the Terraform CLI and a local filesystem mirror of the AWS provider, to run offline.

No registry is reachable from the machines we build on, so ``terraform init`` must install
hashicorp/aws 5.100.0 (the version cdktf-cdktf-provider-aws 20.1.0 pins) from a mirror folder.
The mirror is located at run time, never hard-coded: ``BLUEGREEN_PROVIDER_MIRROR`` wins, then
Terraform's own implicit mirror folders, then a shallow search of the usual install roots.
"""

from __future__ import annotations

import os
import platform
import shutil
from functools import lru_cache
from pathlib import Path

from ..core.errors import ToolMissing
from ..core.messages import tools

AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
AWS_PROVIDER_VERSION = "5.100.0"
MIRROR_ENV = "BLUEGREEN_PROVIDER_MIRROR"
# Terraform's implicit local mirrors on Unix ("Provider Installation", implied local mirror).
_IMPLICIT_MIRRORS = ("~/.terraform.d/plugins", "~/.local/share/terraform/plugins",
                     "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins")
_SEARCH_ROOTS = ("/opt", "/usr/local", "/usr/share", "/srv", "~")
_SEARCH_DEPTH = 3


def terraform_binary() -> str:
    """The ``terraform`` on PATH; ``ToolMissing`` with what to do when there is none."""
    binary = shutil.which("terraform")
    if not binary:
        raise ToolMissing(tools.TERRAFORM_MISSING)
    return binary


def platform_dir() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower(),
                                                                            platform.machine().lower())
    return f"{platform.system().lower()}_{machine}"


def is_mirror(folder: Path) -> bool:
    """True when ``folder`` holds hashicorp/aws at our version for this platform."""
    package = folder / AWS_PROVIDER / AWS_PROVIDER_VERSION / platform_dir()
    return package.is_dir() and any(package.glob("terraform-provider-aws_*"))


@lru_cache(maxsize=1)
def find_provider_mirror() -> Path | None:
    """The mirror folder (the one holding ``registry.terraform.io``), or None when absent."""
    configured = os.environ.get(MIRROR_ENV)
    if configured:
        return Path(configured) if is_mirror(Path(configured)) else None
    for candidate in _IMPLICIT_MIRRORS:
        if is_mirror(Path(candidate).expanduser()):
            return Path(candidate).expanduser()
    for root in _SEARCH_ROOTS:
        found = _search(Path(root).expanduser(), _SEARCH_DEPTH)
        if found:
            return found
    return None


def _search(folder: Path, depth: int) -> Path | None:
    if is_mirror(folder):
        return folder
    if depth == 0:
        return None
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return None
    for child in children:
        found = _search(child, depth - 1)
        if found:
            return found
    return None


def cli_config_text(mirror: Path) -> str:
    """A Terraform CLI configuration that installs the AWS provider from ``mirror`` only."""
    return (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = \"{mirror}\"\n"
        f"    include = [\"{AWS_PROVIDER}\"]\n"
        "  }\n"
        "  direct {\n"
        f"    exclude = [\"{AWS_PROVIDER}\"]\n"
        "  }\n"
        "}\n"
    )


def write_cli_config(folder: Path, mirror: Path) -> Path:
    """Write the CLI configuration into ``folder``; point ``TF_CLI_CONFIG_FILE`` at the result."""
    path = folder / "terraformrc"
    path.write_text(cli_config_text(mirror))
    return path
