"""Messages of the emulator's front doors on loopback (``generator.local.doors``, docs/local-doors.md).

The answers a door gives are AWS's own bodies (docs/aws-rules.md#r73-front-door-answers); the texts
here are the emulator's: its control path's errors, and a route it cannot serve.
"""

from __future__ import annotations

# AWS's bodies, byte for byte as the services send them (docs/aws-rules.md#r73-front-door-answers).
REST_UNKNOWN_ROUTE = '{"message":"Missing Authentication Token"}'
HTTP_UNKNOWN_ROUTE = '{"message":"Not Found"}'
REST_INTERNAL_ERROR = '{"message": "Internal server error"}'
HTTP_INTERNAL_ERROR = '{"message":"Internal Server Error"}'
REST_TIMED_OUT = '{"message": "Endpoint request timed out"}'
HTTP_TIMED_OUT = '{"message":"Service Unavailable"}'
HTTP_UNAUTHORIZED = '{"message":"Unauthorized"}'
HTTP_FORBIDDEN = '{"message":"Forbidden"}'
URL_FORBIDDEN = '{"Message":"Forbidden"}'
TOO_LARGE = '{"message":"Request Entity Too Large"}'
BAD_REQUEST = '{"message":"Bad Request"}'


def url_must_be_a_door(url: object) -> str:
    return (f"url must be the URL of a REST API stage, an HTTP API stage or a function URL that the emulator "
            f"holds, got: {url!r}")


def body_must_name_a_url(body: object) -> str:
    return f'the body must be a JSON object {{"url": "<the door\'s URL>"}}, got: {body!r}'


def door_not_served(url: str, error: object) -> str:
    return f"the emulator did not serve the door {url} on loopback: {error}"
