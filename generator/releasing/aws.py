"""boto3 clients for the commands that talk to AWS (``prune``, ``rollout``, ``guard``, ``status``).

One place decides how a client is made: AWS through boto3's usual chain of credentials and
settings (``AWS_PROFILE``, ``AWS_ENDPOINT_URL``, ...), or, with ``--local``, the emulator's
endpoint and test credentials, with few retries (moto answers 500 for what it lacks, and the SDK
would retry for minutes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.errors import ExternalToolFailed

_EMULATOR_ATTEMPTS = 2
_DETAIL_CHARS = 300  # an AWS error message in ours; an endpoint's answer to an unknown call can be a whole page


@dataclass(frozen=True)
class Access:
    """Where AWS is: ``region``, and the emulator's ``endpoint`` and ``credentials`` with ``--local``."""

    region: str
    endpoint: str | None = None
    credentials: tuple[str, str] | None = None

    def client(self, service: str, failed: Any) -> Any:
        """A boto3 client; ``failed(error)`` is the message when even that fails (a bad profile)."""
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        options: dict[str, object] = {"region_name": self.region}
        if self.endpoint is not None:
            options["endpoint_url"] = self.endpoint
            options["config"] = Config(retries={"max_attempts": _EMULATOR_ATTEMPTS, "mode": "standard"})
        if self.credentials is not None:
            options["aws_access_key_id"], options["aws_secret_access_key"] = self.credentials
        try:
            return boto3.session.Session().client(service, **options)
        except BotoCoreError as error:
            raise ExternalToolFailed(failed(error)) from None


class AwsCallFailed(Exception):
    """A call to AWS failed: ``detail`` is what AWS (or boto3) said, ``code`` AWS's error code
    (empty when no answer came), ``no_credentials`` when boto3 found none to sign with."""

    def __init__(self, detail: str, code: str = "", no_credentials: bool = False):
        super().__init__(detail)
        self.detail, self.code, self.no_credentials = detail, code, no_credentials


class LambdaCallFailed(ExternalToolFailed):
    """A Lambda API call failed (exit status 3); ``detail`` is what AWS (or boto3) said."""

    def __init__(self, message: str, detail: str):
        super().__init__(message)
        self.detail = detail


def lambda_answer(operation: str, function: str, call: Callable[[], Any]) -> Any:
    """``call()``'s answer; any failure is ``LambdaCallFailed`` naming ``operation`` and ``function``
    (the commands that call Lambda for one function: ``prune``, ``verify``)."""
    from ..core.messages import releasing as msg

    try:
        return answer(call)
    except AwsCallFailed as failed:
        if failed.no_credentials:
            raise LambdaCallFailed(msg.aws_credentials_missing(function), failed.detail) from None
        raise LambdaCallFailed(msg.aws_call_failed(operation, function, failed.detail), failed.detail) from None


def answer(call: Callable[[], Any]) -> Any:
    """``call()``'s answer; every way a boto3 call fails becomes ``AwsCallFailed``, which the
    caller turns into its own message."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        return call()
    except NoCredentialsError:
        raise AwsCallFailed("no credentials", no_credentials=True) from None
    except ClientError as error:
        raise AwsCallFailed(_client_error(error), _error_code(error)) from None
    except BotoCoreError as error:  # no answer: the endpoint is unreachable, a timeout, ...
        raise AwsCallFailed(str(error)) from None


def _client_error(error: Any) -> str:
    """``CODE: message`` (AWS names every error: ``ResourceNotFoundException``, ...), on one line."""
    details = error.response.get("Error") or {}
    code = str(details.get("Code") or "")
    text = " ".join(str(details.get("Message") or error).split())[:_DETAIL_CHARS]
    return f"{code}: {text}" if code else text


def _error_code(error: Any) -> str:
    return str((getattr(error, "response", None) or {}).get("Error", {}).get("Code") or "")
