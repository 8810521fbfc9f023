"""What ``bluegreen env --local`` prints for a shell to ``eval``, and the way back (``--unset``).

Pointing a shell at the emulator changes variables the user may have set for real work: the AWS
credentials, region and endpoint, ``TF_CLI_CONFIG_FILE``, and it clears ``AWS_PROFILE`` and
``AWS_SESSION_TOKEN`` (either would win over the test credentials). So the first ``env --local``
a shell evaluates saves each of them (set or not) in shell variables of its own, which are never
exported; ``env --local --unset`` puts every one back as it was, or unsets it, and forgets the
copies. Evaluating ``env --local`` again (a new emulator's port) keeps the first copies, so the
way back always leads to the shell as it was before bluegreen touched it. Only POSIX shell
syntax is used (``${NAME+set}``): sh, bash and zsh read it alike.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping

SAVED = "BLUEGREEN_ENV_SAVED"  # set once the shell holds the copies
PREFIX = "BLUEGREEN_SAVED_"    # + the variable's name: its value before the first env --local


def enter(exported: Mapping[str, str], cleared: Iterable[str], touched: Iterable[str]) -> str:
    """Save every ``touched`` variable (first time only), unset ``cleared``, export ``exported``."""
    save = [f'  if [ -n "${{{name}+set}}" ]; then {PREFIX}{name}="${name}"; fi' for name in touched]
    lines = [f'if [ -z "${{{SAVED}+set}}" ]; then', f"  {SAVED}=1", *save, "fi",
             f"unset {' '.join(cleared)}",
             *(f"export {name}={shlex.quote(value)}" for name, value in exported.items())]
    return "\n".join(lines) + "\n"


def leave(touched: Iterable[str]) -> str:
    """Put every ``touched`` variable back as the first ``enter`` found it; nothing without one."""
    names = list(touched)
    restore = [f'  if [ -n "${{{PREFIX}{name}+set}}" ]; then export {name}="${PREFIX}{name}"; '
               f"else unset {name}; fi" for name in names]
    lines = [f'if [ -n "${{{SAVED}+set}}" ]; then', *restore,
             f"  unset {SAVED} {' '.join(PREFIX + name for name in names)}", "fi"]
    return "\n".join(lines) + "\n"
