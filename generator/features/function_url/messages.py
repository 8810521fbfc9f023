"""Messages of a function URL (``FunctionUrl``, ``UrlCors``): each states the rule and ends with
the value the user wrote (``got: ...``), as ``show`` prints it. Tests import them."""

from __future__ import annotations

from typing import Any

from ...core.values import shortened, show

AUTH_NONE_REFUSED = (
    "must be 'AWS_IAM': a public URL ('NONE') is refused for now. Since October 2025 AWS lets a new "
    "public URL answer only when the function's policy also grants lambda:InvokeFunction on the "
    "condition lambda:InvokedViaFunctionUrl, which the AWS provider bluegreen uses (5.100.0) cannot "
    "write, and the same grant without the condition would let every AWS account invoke the alias. "
    "Use 'AWS_IAM', or create the public URL outside bluegreen (docs/function-url.md#a-public-url), "
    "got: 'NONE'")


def must_be_an_auth_type(got: Any) -> str:
    return f"must be 'AWS_IAM' (callers sign requests with SigV4), got: {show(got)}"


def must_be_an_invoke_mode(got: Any) -> str:
    return f"must be 'BUFFERED' or 'RESPONSE_STREAM', got: {show(got)}"


def must_be_cors(got: Any) -> str:
    return f"must be None (no CORS headers) or a UrlCors, got: {show(got)}"


def must_be_a_list(kind: str, most: int, got: Any) -> str:
    return f"must be a list of at most {most} {kind}, got: {show(got)}"


def must_have_an_origin(got: Any) -> str:
    return ("must name at least one origin ('*' for any): AWS refuses CORS settings without one; "
            f"leave cors=None for no CORS headers, got: {show(got)}")


def too_many(kind: str, most: int, count: int) -> str:
    return f"must hold at most {most} {kind} (the Lambda API's limit), got: {count}"


def must_be_an_origin(got: Any) -> str:
    return f"must be an origin of 1 to 253 characters ('https://shop.example.com', or '*'), got: {_text(got)}"


def must_be_a_method(got: Any) -> str:
    return ("must be an HTTP method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS) or '*', "
            f"got: {_text(got)}")


def must_be_a_header(got: Any) -> str:
    return f"must be a header name of 1 to 1024 characters, got: {_text(got)}"


def must_not_repeat(kind: str, got: Any) -> str:
    return f"must not repeat a {kind} (the provider keeps them as a set), got: {_text(got)} twice"


def must_be_a_max_age(got: Any) -> str:
    return f"must be a whole number of seconds from 0 to 86400, got: {show(got)}"



def _text(got: Any) -> str:
    return shortened(got) if isinstance(got, str) else show(got)


# --- the plan summary ---------------------------------------------------------------------------

URL_WILL_CHANGE = ("the function URL is replaced: callers get a new URL (the alias or the function was renamed); "
                   "the old one stops answering")
