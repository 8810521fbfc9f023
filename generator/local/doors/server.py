"""The doors' listeners: one loopback HTTP server per front door, in the emulator's process.

``up --local`` asks for a door by posting its AWS URL (a Terraform output) to the control path:

    POST /moto-api/bluegreen/doors   {"url": "https://abc123.execute-api.us-east-1.amazonaws.com/v1"}

answers 200 ``{"port": N, "local_url": "http://127.0.0.1:N/v1"}``: a listener on loopback port N
serves that door from then on, and the same URL always gets the same port (while the emulator
runs). A URL the emulator holds no door for: 404; a body without a URL: 400. The listener finds
the door's routes in moto at each request, so a route that ``up`` changes is served at once.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from ...core.messages import local_doors as msg
from ..emulator import LOOPBACK  # never any other address
from . import function_url, routing
from .exchange import Invoke, Request, Response, json_answer
from .http_api import DEFAULT_STAGE, HttpApiDoor
from .rest_api import RestDoor

DOORS_PATH = "/moto-api/bluegreen/doors"
# API Gateway's largest request payload (docs/aws-rules.md#r73-front-door-answers): a longer body
# is refused before it is read, so a request cannot fill the emulator's memory.
PAYLOAD_LIMIT = 10 * 1024 * 1024


class Door(Protocol):
    @property
    def base_path(self) -> str: ...

    def handle(self, request: Request, invoke: Invoke) -> Response: ...


@dataclass
class Listener:
    door: Door
    server: ThreadingHTTPServer

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def local_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}{self.door.base_path}"


_lock = threading.Lock()
_listeners: dict[str, Listener] = {}


def control(invoke: Invoke) -> Any:
    """moto's handler of the control path (its url_paths' signature), serving doors with ``invoke``."""

    def handle(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            body = None
        url = body.get("url") if isinstance(body, dict) else None
        if not isinstance(url, str):
            return 400, {"content-type": "application/json"}, json.dumps({"message": msg.body_must_name_a_url(body)})
        listener = serve(url, invoke)
        if listener is None:
            return 404, {"content-type": "application/json"}, json.dumps({"message": msg.url_must_be_a_door(url)})
        return 200, {"content-type": "application/json"}, json.dumps({"port": listener.port,
                                                                      "local_url": listener.local_url})

    return handle


def serve(url: str, invoke: Invoke) -> Listener | None:
    """The listener of the door at ``url``, started on a free loopback port the first time; None
    when moto holds no such door."""
    key = url.rstrip("/")
    with _lock:
        if key in _listeners:
            return _listeners[key]
        door = find_door(url)
        if door is None:
            return None
        server = ThreadingHTTPServer((LOOPBACK, 0), _handler(door, invoke))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True, name=f"door {key}").start()
        _listeners[key] = Listener(door, server)
        return _listeners[key]


def find_door(url: str) -> Door | None:
    """The door an AWS URL names, as moto holds it: a REST API's stage
    (``https://ID.execute-api.REGION.amazonaws.com/STAGE``), an HTTP API's stage (no path for
    ``$default``) or a function URL (``https://ID.lambda-url.REGION.on.aws``)."""
    parts = urlsplit(url)
    labels = (parts.hostname or "").split(".")
    if parts.scheme != "https" or len(labels) < 4:
        return None
    identifier, service, region = labels[0], labels[1], labels[2]
    path = routing.segments(parts.path)
    if service == "execute-api" and len(path) <= 1:
        return _api_door(identifier, region, path[0] if path else DEFAULT_STAGE)
    if service == "lambda-url" and not path:
        for account_id in function_url.accounts():
            door = function_url.find(account_id, region, identifier)
            if door is not None:
                return door
    return None


def _api_door(api_id: str, region: str, stage: str) -> Door | None:
    from moto.apigateway.models import apigateway_backends
    from moto.apigatewayv2.models import apigatewayv2_backends

    rest: Any = apigateway_backends.iter_backends()
    http: Any = apigatewayv2_backends.iter_backends()
    for account_id, backend_region, backend in rest:
        api = backend.apis.get(api_id) if backend_region == region else None
        if api is not None and stage in api.stages:
            return RestDoor(account_id, region, api_id, stage)
    for account_id, backend_region, backend in http:
        api = backend.apis.get(api_id) if backend_region == region else None
        if api is not None and stage in api.stages:
            return HttpApiDoor(account_id, region, api_id, stage)
    return None


def _handler(door: Door, invoke: Invoke) -> type[BaseHTTPRequestHandler]:
    class DoorHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = self.headers.get("Content-Length") or "0"
            if not length.isdigit():
                self.close_connection = True  # the body's end is unknown: nothing after it can be read
                return self._answer(json_answer(400, msg.BAD_REQUEST))
            if int(length) > PAYLOAD_LIMIT:
                self.close_connection = True
                return self._answer(json_answer(413, msg.TOO_LARGE))
            target = urlsplit(self.path)
            request = Request(self.command, target.path or "/", target.query, tuple(self.headers.items()),
                              self.rfile.read(int(length)), self.client_address[0])
            self._answer(door.handle(request, invoke))

        def _answer(self, response: Response) -> None:
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
            pass  # the emulator's log is moto's; a line per request would drown it

    return DoorHandler
