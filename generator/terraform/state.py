"""Read what a stack folder last applied: its local state file, or its remote state.

Used by ``shift`` and ``promote`` (which version is the newest?) and ``status`` (what is live?).
Local state is read from ``terraform.tfstate`` (state format version 4), so neither the
Terraform CLI nor ``terraform init`` is needed: a fresh clone with committed state, or a CI job
that never ran init, can still be read. Remote state (an ``S3Backend``) is what ``terraform state
pull`` prints in the initialized stack folder. A folder with no state yet has nothing applied; that is not an error
here, callers decide what it means.

A caller's root module that calls a stack as a child module (``synth --module``) holds the
stack's resources under the module's address (``module.orders``): ``module`` reads those alone,
keyed as in a root stack. A child module's outputs are not in the state (Terraform keeps the root
module's only), so there are none then
(docs/aws-rules.md#r82-a-callers-state-holds-its-modules-resources).

Two things are read: the outputs, and the attributes of the managed resources. They can
disagree: Terraform writes the outputs it could evaluate even when an apply stops part way (say,
a precondition refused the alias after the function published), so what the alias serves is
read from the alias resource itself, never from an output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InFile, InvalidInput, Problem
from ..core.json_file import parse_json, read_json
from ..core.layout import STATE_FILE
from ..core.messages import terraform as msg
from .runner import Terraform


@dataclass(frozen=True)
class AppliedState:
    """Outputs by name, and each managed resource's attributes by address (``type.name``);
    ``module``: the child module those resources are of (``module.orders``), whose outputs the
    state does not hold."""

    outputs: dict[str, object] = field(default_factory=dict)
    resources: dict[str, dict] = field(default_factory=dict)
    module: str | None = None


def read_state(stack_dir: Path, remote: bool = False, module: str | None = None) -> AppliedState:
    """What ``stack_dir``'s state holds; empty when the folder has no Terraform state.

    ``remote``: the stack keeps its state in a backend (S3), read with ``terraform state pull``
    in the stack folder, which ``terraform init`` must have prepared (a CI job does, before it
    plans); the runner names the command and folder when it fails. ``module``: ``stack_dir`` is
    a caller's root module, and the stack is its child module at that address (``module.orders``).
    """
    if remote:
        text = Terraform().run(["state", "pull"], stack_dir).stdout
        where = InFile(msg.pulled_state(str(stack_dir)))
        if not text.strip():
            return AppliedState(module=module)
        return _applied(parse_json(text, where, not_json=msg.must_be_state_json,
                                   too_deep=msg.STATE_MUST_NOT_NEST_TOO_DEEPLY), where, module)
    state = stack_dir / STATE_FILE
    if not state.is_file() or state.stat().st_size == 0:
        return AppliedState(module=module)
    where = InFile(str(state))
    return _applied(read_json(state, where, not_json=msg.must_be_state_json,
                              too_deep=msg.STATE_MUST_NOT_NEST_TOO_DEEPLY), where, module)


def _applied(data: object, where: InFile, module: str | None) -> AppliedState:
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(outputs, dict):
        raise InvalidInput(Problem(where, msg.state_must_have_outputs(outputs)))
    if module is not None:  # the caller's outputs are its own, not the module's
        return AppliedState({}, _resources(data.get("resources"), module), module)
    return AppliedState({name: item.get("value") for name, item in outputs.items() if isinstance(item, dict)},
                        _resources(data.get("resources"), None))


def _resources(resources: object, module: str | None) -> dict[str, dict]:
    # Only single-instance managed resources: that is all bluegreen writes. A root module's have
    # no "module" key; a child module's name its address.
    found = {}
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict) or resource.get("mode") != "managed" or resource.get("module") != module:
            continue
        instances = resource.get("instances")
        if isinstance(instances, list) and len(instances) == 1 and isinstance(instances[0], dict):
            attributes = instances[0].get("attributes")
            if isinstance(attributes, dict):
                found[f"{resource.get('type')}.{resource.get('name')}"] = attributes
    return found
