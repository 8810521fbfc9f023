"""The emulator runs a function's own code: an invoke of a version or an alias runs the handler
from the archive that version published, with the local Python or Node.js, within the function's
timeout and memory size, and answers in Lambda's shapes (docs/local-code.md).

``invoke`` is the one entry point, in the emulator's process: moto's Lambda ``Invoke`` (and so
a rollout's smoke test) and the front doors on loopback (``generator.local.doors``) both call it.
"""

from __future__ import annotations

from .invocation import Invocation

__all__ = ["Invocation", "invoke"]


def invoke(account_id: str, region: str, function: str, qualifier: str | None, payload: bytes, *,
           invocation_type: str = "RequestResponse") -> Invocation:
    """Run ``function`` (a name or an ARN, maybe qualified) at ``qualifier`` (a version, an alias
    or None for ``$LATEST``) with ``payload`` as its event; an alias picks its version by its
    weights (seeded, docs/local-code.md). Raises moto's own Lambda errors for an unknown function,
    version or alias."""
    # Not a module named `invoke`: importing it would replace this function in the package.
    from .invoking import invoke_function

    return invoke_function(account_id, region, function, qualifier, payload, invocation_type=invocation_type)
