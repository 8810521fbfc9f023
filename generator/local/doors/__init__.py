"""The emulator serves each deployment's front doors on loopback (docs/local-doors.md).

A REST API stage, an HTTP API stage or a function URL that moto holds gets a loopback listener
(``server``): a request goes through the door's routes (``rest_api``, ``http_api``,
``function_url``), becomes the door's Lambda proxy event, runs the alias's code
(``generator.local.runtime.invoke``) and its answer comes back as the HTTP response
(``exchange``). ``up --local`` asks for each door through the control path and prints its
``local URL:``.
"""

from __future__ import annotations

from .exchange import Invoke


def install(invoke: Invoke | None = None) -> None:
    """Add the control path and keep function URLs' qualifiers, in the emulator's process;
    ``invoke`` defaults to the emulator's runtime."""
    from moto.moto_api._internal import urls

    from ..runtime import invoke as run
    from .function_url import keep_qualifier
    from .server import DOORS_PATH, control

    urls.url_paths["{0}" + DOORS_PATH + "$"] = control(invoke or run)
    keep_qualifier()
