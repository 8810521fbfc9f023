"""EventBridge rules that publish to SNS on the emulator, for a rollout's notifications.

moto 5.2.6 keeps a rule's SNS target (``PutTargets``, ``ListTargetsByRule``) but delivers a matched
event only to CloudWatch Logs, SQS, archives, buses and API destinations: for an SNS target its
``PutEvents`` raises ``NotImplementedError`` (HTTP 500). Here an SNS target gets the event as AWS
sends it: the input transformer applied, then published to the topic, whose subscriptions (an SQS
queue in the tests) receive it as SNS delivers any message.

The input transformer, as docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes
quotes EventBridge's guide: each ``InputPathsMap`` path (dots from ``$``) read from the event; a
path the event lacks makes no variable; in a JSON template (``{...}``) a placeholder is replaced
by its value as JSON (a string quoted and escaped), in a text template by its text. moto's own
transformer writes a string unquoted, which no JSON template survives.

What stays unlike AWS: no topic policy is checked; delivery is synchronous, within ``PutEvents``
(which, unlike AWS, takes the source ``aws.states`` from anyone: ``execution_events`` and the tests
put Step Functions' events with it).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.-]+)>")


def install() -> None:
    """Wrap moto's delivery of a matched event (idempotent)."""
    from moto.events import models

    if getattr(models.Rule, "_bluegreen_sns", False):
        return
    deliver: Any = models.Rule.send_to_targets

    def send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
        topics = [t for t in self.targets if _service(t["Arn"]) == "sns"]
        if topics and self.event_pattern.matches_event(original_event):
            event = _as_aws_sends(original_event)
            for target in topics:
                _publish(self.account_id, target, transformed(target.get("InputTransformer"), event)
                         if transform_input else event)
        others = [t for t in self.targets if _service(t["Arn"]) != "sns"]
        if others:
            # A copy with the other targets: moto's own delivery, the rule itself untouched.
            rule = copy.copy(self)
            rule.targets = others
            deliver(rule, original_event, transform_input)

    setattr(models.Rule, "send_to_targets", send_to_targets)  # noqa: B010 (mypy: a method)
    setattr(models.Rule, "_bluegreen_sns", True)  # noqa: B010 (an attribute moto does not declare)


def transformed(transformer: dict | None, event: dict) -> Any:
    """What EventBridge sends for ``event`` through ``transformer`` (the whole event without one)."""
    if not transformer:
        return event
    template = transformer["InputTemplate"]
    values = {name: found for name, path in (transformer.get("InputPathsMap") or {}).items()
              if (found := _read(event, path)) is not _MISSING}
    as_json = template.strip().startswith("{")

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return ""
        found = values[name]
        return json.dumps(found) if as_json or not isinstance(found, str) else found

    text = _PLACEHOLDER.sub(value, template)
    return json.loads(text) if as_json else text


_MISSING = object()


def _as_aws_sends(event: dict) -> dict:
    """``event`` with its ``time`` as AWS writes it (``2019-02-26T19:42:21Z``): moto keeps seconds,
    and turns them into that text only on the way to a queue or a log group."""
    from moto.core.utils import iso_8601_datetime_without_milliseconds, utcfromtimestamp

    sent = {key: value for key, value in event.items() if key != "ingestion-time"}
    if isinstance(sent.get("time"), (int, float)):
        sent["time"] = iso_8601_datetime_without_milliseconds(utcfromtimestamp(sent["time"]))
    return sent


def _read(event: dict, path: str) -> Any:
    found: Any = event
    for key in path.removeprefix("$").strip(".").split("."):
        if not key:
            continue
        if not isinstance(found, dict) or key not in found:
            return _MISSING
        found = found[key]
    return found


def _service(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else ""


def _publish(account_id: str, target: dict, message: Any) -> None:
    from moto.sns import sns_backends

    region = target["Arn"].split(":")[3]
    text = message if isinstance(message, str) else json.dumps(message)
    sns_backends[account_id][region].publish(text, arn=target["Arn"])
