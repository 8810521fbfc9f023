"""Messages of the Terraform state file a stack folder holds (``terraform.state``)."""

from __future__ import annotations

STATE_MUST_NOT_NEST_TOO_DEEPLY = "is nested too deeply to be Terraform state"


def pulled_state(stack_dir: str) -> str:
    """Where remote state comes from: what ``terraform state pull`` printed in ``stack_dir``."""
    return f"the state terraform state pull printed in {stack_dir}"


def must_be_state_json(error: Exception) -> str:
    return f"is not Terraform state JSON ({error})"


def state_must_have_outputs(outputs: object) -> str:
    """``outputs``: what the state holds under ``"outputs"`` (None when it has none)."""
    got = type(outputs).__name__ if outputs is not None else "none"
    return f"must be Terraform state with an \"outputs\" object, got: {got}"
