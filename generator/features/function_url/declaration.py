"""``FunctionUrl`` and ``UrlCors``: a Lambda function URL on a deployment's alias, as a stack file
declares it (docs/function-url.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

AWS_IAM = "AWS_IAM"
NONE = "NONE"  # refused: docs/aws-rules.md#r65-function-url-access
BUFFERED = "BUFFERED"
RESPONSE_STREAM = "RESPONSE_STREAM"


@dataclass(frozen=True)
class UrlCors:
    """The cross-origin (CORS) settings of a function URL: the fields of the provider's ``cors``
    block, within the Lambda API's limits (docs/aws-rules.md#r67-function-url-cors-and-invoke-mode).

    ``allow_origins``: 1 to 100 origins (``"https://shop.example.com"``, or ``"*"`` for any).
    ``allow_methods``: up to 6 HTTP methods (``"GET"``...) or ``"*"``; default none.
    ``allow_headers`` / ``expose_headers``: up to 100 header names each; default none.
    ``max_age``: how long browsers may cache a preflight answer, 0 to 86,400 seconds; default 0.
    ``allow_credentials``: whether requests may carry cookies or credentials; default False.
    """

    allow_origins: Sequence[str]
    allow_methods: Sequence[str] = ()
    allow_headers: Sequence[str] = ()
    expose_headers: Sequence[str] = ()
    max_age: int = 0
    allow_credentials: bool = False


@dataclass(frozen=True)
class FunctionUrl:
    """A Lambda function URL on the deployment's alias: an HTTPS endpoint of its own, no API
    Gateway; it follows the alias's weights like every door
    (docs/aws-rules.md#r66-a-function-url-on-the-alias).

    ``auth``: ``"AWS_IAM"``, the only value taken: callers sign requests with SigV4 and need the
    policy of the ``<deployment>_function_url_caller_policy`` output. ``"NONE"`` (a public URL) is
    refused with the reason (docs/aws-rules.md#r65-function-url-access).
    ``cors``: a ``UrlCors``; default None (no CORS headers).
    ``invoke_mode``: ``"BUFFERED"`` (default; responses up to 6 MB) or ``"RESPONSE_STREAM"``.
    """

    auth: str
    cors: UrlCors | None = None
    invoke_mode: str = BUFFERED
