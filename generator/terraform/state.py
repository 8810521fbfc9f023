"""Read what a stack folder last applied, straight from its local state file.

Used by ``shift`` and ``promote`` (which version is the newest?) and ``status`` (what is live?).
State is read from ``terraform.tfstate`` (state format version 4), so neither the Terraform CLI
nor ``terraform init`` is needed: a fresh clone with committed state, or a CI job that never ran
init, can still be read. A folder with no state yet has nothing applied; that is not an error
here, callers decide what it means.

Two things are read: the outputs, and the attributes of the managed resources. They can
disagree: Terraform writes the outputs it could evaluate even when an apply stops part way (say,
a precondition refused the alias after the function published), so what the alias serves is
read from the alias resource itself, never from an output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InvalidInput, Problem
from ..core.layout import STATE_FILE


@dataclass(frozen=True)
class AppliedState:
    """Outputs by name, and each managed resource's attributes by address (``type.name``)."""

    outputs: dict[str, object] = field(default_factory=dict)
    resources: dict[str, dict] = field(default_factory=dict)


def read_state(stack_dir: Path) -> AppliedState:
    """What ``stack_dir``'s state holds; empty when the folder has no Terraform state."""
    state = stack_dir / STATE_FILE
    if not state.is_file() or state.stat().st_size == 0:
        return AppliedState()
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
    return AppliedState({name: item.get("value") for name, item in outputs.items() if isinstance(item, dict)},
                        _resources(data.get("resources")))


def _resources(resources: object) -> dict[str, dict]:
    # Only single-instance managed resources: that is all bluegreen writes.
    found = {}
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict) or resource.get("mode") != "managed":
            continue
        instances = resource.get("instances")
        if isinstance(instances, list) and len(instances) == 1 and isinstance(instances[0], dict):
            attributes = instances[0].get("attributes")
            if isinstance(attributes, dict):
                found[f"{resource.get('type')}.{resource.get('name')}"] = attributes
    return found
