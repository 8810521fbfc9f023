"""What a handler's process sees: the function's variables, Lambda's reserved ones, nothing else.

Lambda's reserved variables (docs/aws-rules.md#r71-a-functions-environment) are set over the
function's own (Lambda refuses a function that sets one of them). The credentials are the
emulator's test credentials and ``AWS_ENDPOINT_URL`` points at the emulator, so the handler's SDK
calls stay local; nothing is taken from the server's own environment, so no real credential or
profile of the user's shell reaches the handler.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The emulator's credentials (moto accepts any): the same as `bluegreen env --local` exports.
TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "test"}
# Lambda's PATH, less the folders of its own image; the runtime is started by its full path.
PATH = "/usr/local/bin:/usr/bin:/bin"
RUNTIME_DIR = Path(__file__).resolve().parent  # the runners: LAMBDA_RUNTIME_DIR


@dataclass(frozen=True)
class Identity:
    """One run of one version: who runs, and where its log goes."""

    function_name: str
    version: str
    runtime: str
    handler: str
    memory_mb: int
    region: str
    log_group: str
    log_stream: str


def child_environment(identity: Identity, variables: dict[str, Any], task_root: Path, endpoint: str) -> dict[str, str]:
    """The environment of the handler's process, exactly."""
    reserved = {
        "_HANDLER": identity.handler,
        "AWS_REGION": identity.region,
        "AWS_DEFAULT_REGION": identity.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{identity.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": identity.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(identity.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": identity.version,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": identity.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": identity.log_stream,
        **TEST_CREDENTIALS,
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(RUNTIME_DIR),
        "TZ": ":UTC",
        # Not Lambda's, but kept over the function's own: the handler's SDK calls stay local.
        "AWS_ENDPOINT_URL": endpoint,
    }
    defaults = {"LANG": "en_US.UTF-8", "PATH": PATH, "LD_LIBRARY_PATH": f"{task_root}:{task_root}/lib"}
    return {**defaults, **{str(k): str(v) for k, v in variables.items()}, **reserved}


def emulator_endpoint() -> str:
    """The emulator's own URL on loopback: the server's port (``MOTO_PORT``, set at its start)."""
    from ..emulator import LOOPBACK

    return f"http://{LOOPBACK}:{os.environ.get('MOTO_PORT', '5000')}"
