"""Read what a stack folder last applied: the Terraform outputs kept in its local state file.

Used by ``shift`` and ``promote`` (which version to pin?) and ``status`` (what is live?). The
outputs are read straight from ``terraform.tfstate`` (state format version 4), so neither the
Terraform CLI nor ``terraform init`` is needed: a fresh clone with committed state, or a CI job
that never ran init, can still be read. A folder with no state yet has no outputs; that is not
an error here, callers decide what it means.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InvalidInput, Problem

STATE_FILE = "terraform.tfstate"  # the local backend's state, relative to the stack folder


def read_outputs(stack_dir: Path) -> dict[str, object]:
    """Output name -> value; empty when the folder has no Terraform state."""
    state = stack_dir / STATE_FILE
    if not state.is_file() or state.stat().st_size == 0:
        return {}
    try:
        data = json.loads(state.read_text())
    except RecursionError:
        raise InvalidInput(Problem(str(state), "is nested too deeply to be Terraform state")) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InvalidInput(Problem(str(state), f"is not Terraform state JSON ({error})")) from None
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(outputs, dict):
        raise InvalidInput(Problem(str(state), "must be Terraform state with an \"outputs\" object, got: "
                                   f"{type(outputs).__name__ if outputs is not None else 'none'}"))
    return {name: item.get("value") for name, item in outputs.items() if isinstance(item, dict)}
