"""The local emulator's server: moto, plus the answers bluegreen's Terraform and rollouts need and moto 5 lacks.

Run as ``python -m generator.local.moto_extras -H 127.0.0.1 -p PORT`` (moto.server's own
arguments); ``up --local`` and the tests start the emulator this way. Without these answers a stack
that uses the features below could not be applied locally at all, or would plan a change forever:

- **Dead-letter targets.** moto drops a function's ``DeadLetterConfig``, so every plan would
  add it again and versions would all look alike. It is kept here, on the function and on each
  version it publishes, and returned by ``GetFunction`` and ``GetFunctionConfiguration``.
- **Provisioned concurrency** (``generator.local.provisioned``: ``PutProvisionedConcurrencyConfig``,
  ``Get...``, ``Delete...``, ``ListProvisionedConcurrencyConfigs``): kept per function and
  qualifier, ``IN_PROGRESS`` for a configurable time, then ``READY`` (or ``FAILED`` when a test
  asks). As AWS does, it refuses ``$LATEST``, an alias that routes to two versions and a total
  above the reserved concurrency (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout).
- **Step Functions** ``ValidateStateMachineDefinition`` and ``ListStateMachineVersions``, which
  hashicorp/aws 5.100.0 calls for every ``aws_sfn_state_machine`` and then retries until it times
  out when they fail: the definition is checked as far as its shape goes (JSON, ``StartAt``
  naming one of its ``States``), and the versions are those moto publishes.
- **Rollouts** (docs/aws-rules.md#r47-rollouts-run-by-step-functions): moto runs state machines
  (``run_rollouts``); an alias gets a new revision id on every update and ``UpdateAlias`` with a
  stale ``RevisionId`` is refused with 412, which the rollout's interference check relies on; and
  ``DescribeAlarms`` applies ``AlarmNames``, ``StateValue`` and ``AlarmTypes`` together.
- **The account's logging role**: as AWS does, ``UpdateStage`` refuses to turn on access logs or
  execution logs while the account's API Gateway settings name no CloudWatch role (400
  ``BadRequestException``, AWS's text), so a stack that needs ``bluegreen bootstrap`` fails
  here as it would on AWS (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role);
  and a reset of that setting (``reset_on_delete``, the bootstrap's destroy) clears it.
- **API Gateway stages**: ``DeleteStage`` is refused while a base path mapping uses the stage, as
  AWS refuses it, so a plan that deletes a stage before moving its mapping fails here too
  (docs/aws-rules.md#r27-create-before-destroy).
- **Metric math** (``generator.local.metric_math``): ``GetMetricData`` evaluates the one expression
  a rollout's check sends, ``IF(<count> >= <N>, <errors> / <count>, 0)``, and refuses any other
  (400 ``ValidationError``); moto 5.2.5 answers every metric-math expression with no values.
- **Functions run their code** (``generator.local.runtime``, docs/local-code.md): an Invoke of a
  version or an alias runs the handler from that version's archive with the local Python or
  Node.js, within its timeout and memory size; an alias picks its version by its weights, seeded;
  the answer, the log and the ``AWS/Lambda`` metrics are Lambda's. moto 5.2.5 without Docker
  answers every Invoke with the event (or a queued text) and ignores the ``Qualifier``.
- **Injected faults** (``generator.local.faults``): ``POST /moto-api/bluegreen/faults`` makes the
  next Lambda ``Invoke`` or ``UpdateAlias`` of a function fail with a given error, so tests can
  prove a rollout's Retry absorbs it; and an aws-sdk task's error is named ``Lambda.<code>``, in
  Pascal case as on AWS (moto 5.2.5 says ``lambda.<code>``).
- **A rollout's notifications**: each execution puts Step Functions' status change events on the
  default bus when it starts and ends (``generator.local.execution_events``; moto 5.2.6 sends
  none), and a rule's SNS target gets the matched event through its input transformer, published
  to the topic (``generator.local.events_sns``; moto raises ``NotImplementedError`` for it).
- **Front doors on loopback** (``generator.local.doors``): ``POST /moto-api/bluegreen/doors`` with a
  door's AWS URL starts a loopback listener that serves that REST API stage, HTTP API stage or
  function URL through the function's own code, and keeps a function URL's qualifier, which moto
  drops (docs/local-doors.md).

Each answer is the documented shape of the Lambda API reference for that operation. Only ever
bound to loopback (``emulator.LOOPBACK``).
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from generator.local import doors, events_sns, execution_events, faults, metric_math, provisioned
from generator.local.provisioned import answer as _answer
from generator.local.provisioned import error as _error
from generator.local.runtime import invoking as runtime_invoke


def install() -> None:
    """Patch moto's Lambda backend in this process (idempotent)."""
    from moto.awslambda import models, responses

    if getattr(models.LambdaFunction, "_bluegreen_extras", False):
        return
    _keep_dead_letter_config(models.LambdaFunction)
    provisioned.install()
    from moto.stepfunctions import responses as stepfunctions

    for name, method in _STEP_FUNCTIONS.items():
        setattr(stepfunctions.StepFunctionResponse, name, method)
    _alias_revisions(models.LambdaAlias, responses.LambdaResponse)
    _alarm_filters()
    _logging_needs_account_role()
    _stages_in_use()
    metric_math.install()
    runtime_invoke.install()
    faults.install()
    doors.install()
    events_sns.install()
    execution_events.install()
    setattr(models.LambdaFunction, "_bluegreen_extras", True)  # noqa: B010 (an attribute moto does not declare)


def _keep_dead_letter_config(function_class: Any) -> None:
    create, configuration, update = (function_class.__init__, function_class.get_configuration,
                                     function_class.update_configuration)

    def __init__(self, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        create(self, account_id, spec, *args, **kwargs)
        self.dead_letter_config = _target(spec.get("DeadLetterConfig"))

    def get_configuration(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = configuration(self, *args, **kwargs)
        if getattr(self, "dead_letter_config", None):
            config["DeadLetterConfig"] = dict(self.dead_letter_config)
        return config

    def update_configuration(self, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            # An empty TargetArn removes the target, as in UpdateFunctionConfiguration.
            self.dead_letter_config = _target(config_updates["DeadLetterConfig"])
        return update(self, config_updates)

    function_class.__init__ = __init__
    function_class.get_configuration = get_configuration
    function_class.update_configuration = update_configuration


def _target(config: Any) -> dict[str, str] | None:
    return {"TargetArn": config["TargetArn"]} if isinstance(config, dict) and config.get("TargetArn") else None


# --- alias revisions and alarm filters, which a rollout relies on ---------------------------------

def _alias_revisions(alias_class: Any, response_class: Any) -> None:
    """A new revision id on every alias update, and UpdateAlias refused (412) when its
    ``RevisionId`` is not the alias's: moto keeps one id forever and ignores the parameter."""
    update, respond = alias_class.update, response_class.update_alias

    def changed(self: Any, *args: Any, **kwargs: Any) -> None:
        update(self, *args, **kwargs)
        self.revision_id = str(uuid.uuid4())

    def update_alias(self: Any) -> Any:
        expected = json.loads(self.body or "{}").get("RevisionId")
        if expected:
            function_name = unquote(self.path.rsplit("/")[-3])
            alias_name = unquote(self.path.rsplit("/", 2)[-1])
            if self.backend.get_alias(alias_name, function_name).revision_id != expected:
                raise _error(412, "PreconditionFailedException",
                             "The Revision Id provided does not match the latest Revision Id. Call the GetAlias "
                             "API to retrieve the latest Revision Id")
        return respond(self)

    alias_class.update = changed
    response_class.update_alias = update_alias


def _alarm_filters() -> None:
    """DescribeAlarms with ``AlarmNames`` and ``StateValue`` (or ``AlarmTypes``) applies them all,
    as CloudWatch does; moto applies only the first it finds."""
    from moto.cloudwatch import responses as cloudwatch

    describe = cloudwatch.CloudWatchResponse.describe_alarms

    def describe_alarms(self: Any) -> Any:
        result: Any = describe(self).result
        state, types = self._get_param("StateValue"), self._get_param("AlarmTypes") or ["MetricAlarm"]
        kinds = {"MetricAlarms": "MetricAlarm", "CompositeAlarms": "CompositeAlarm"}
        for key, kind in kinds.items():
            alarms = result[key] if kind in types else []
            result[key] = [a for a in alarms if state is None or a.state_value == state]
        return cloudwatch.ActionResult(result)

    setattr(cloudwatch.CloudWatchResponse, "describe_alarms", describe_alarms)  # noqa: B010 (mypy: a method)


# --- stage logging, which needs the account's CloudWatch role ------------------------------------

LOGGING_ROLE_MISSING = "CloudWatch Logs role ARN must be set in account settings to enable logging"


def _logging_needs_account_role() -> None:
    """UpdateStage that turns logging on is refused while the account names no CloudWatch role
    (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role); moto never checks."""
    from moto.apigateway import models
    from moto.apigateway import responses as apigateway
    from moto.apigateway.exceptions import BadRequestException

    update, patch = apigateway.APIGatewayResponse.update_stage, models.Account.apply_patch_operations

    def update_stage(self: Any) -> Any:
        operations = self._get_param("patchOperations") or []
        if any(_turns_logging_on(op) for op in operations) and not self.backend.get_account().cloudwatch_role_arn:
            raise BadRequestException(LOGGING_ROLE_MISSING)
        return update(self)

    def apply_patch_operations(self: Any, operations: list[dict[str, Any]]) -> Any:
        # A reset (hashicorp/aws's reset_on_delete) replaces the role with no value, which moto
        # cannot read: it clears the setting, as on AWS.
        kept = [op for op in operations if not (op.get("path") == "/cloudwatchRoleArn" and not op.get("value"))]
        if len(kept) < len(operations):
            self.cloudwatch_role_arn = None
        return patch(self, kept)

    setattr(apigateway.APIGatewayResponse, "update_stage", update_stage)  # noqa: B010 (mypy: a method)
    setattr(models.Account, "apply_patch_operations", apply_patch_operations)  # noqa: B010 (mypy: a method)


def _turns_logging_on(operation: dict[str, Any]) -> bool:
    """An access log destination set, or a logging level other than OFF (``/*/*/logging/loglevel``)."""
    path, value = str(operation.get("path", "")), operation.get("value")
    if operation.get("op") not in ("add", "replace") or not value:
        return False
    return path.startswith("/accessLogSettings") or (path.endswith("/logging/loglevel") and value != "OFF")


# --- stages that a custom domain maps ------------------------------------------------------------


def _stages_in_use() -> None:
    """DeleteStage refused (400) while a base path mapping of a custom domain names the stage."""
    from moto.apigateway import exceptions, models

    delete = models.APIGatewayBackend.delete_stage

    def delete_stage(self: Any, function_id: str, stage_name: str) -> None:
        domains = sorted(domain for domain, mappings in self.base_path_mappings.items()
                         if any((m.rest_api_id, m.stage) == (function_id, stage_name) for m in mappings.values()))
        if domains:
            raise exceptions.BadRequestException(
                f"Deleting stage {stage_name} failed. Please remove all base path mappings related to the stage "
                f"in your domains: {', '.join(domains)}")
        delete(self, function_id, stage_name)

    setattr(models.APIGatewayBackend, "delete_stage", delete_stage)  # noqa: B010 (mypy: a method)


# --- Step Functions, as methods of moto's StepFunctionResponse ------------------------------------

def _validate_definition(self: Any) -> tuple[str, dict]:
    problems = _definition_problems(self._get_param("definition"))
    diagnostics = [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": text} for text in problems]
    return _answer(200, json.dumps({"result": "FAIL" if problems else "OK", "diagnostics": diagnostics,
                                    "truncated": False}))


def _definition_problems(definition: Any) -> list[str]:
    try:
        document = json.loads(definition)
    except (TypeError, ValueError) as error:
        return [f"the definition is not JSON: {error}"]
    states = document.get("States") if isinstance(document, dict) else None
    if not isinstance(states, dict) or not states:
        return ["the definition has no States"]
    if document.get("StartAt") not in states:
        return [f"StartAt names no state: {document.get('StartAt')!r}"]
    return []


def _list_versions(self: Any) -> tuple[str, dict]:
    machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
    # Timestamps are epoch seconds in this JSON protocol; moto keeps them as ISO 8601 text.
    versions = [{"stateMachineVersionArn": version.arn, "creationDate": _epoch(version.creation_date)}
                for _, version in sorted(machine.versions.items(), reverse=True)]
    return _answer(200, json.dumps({"stateMachineVersions": versions}))


def _epoch(value: Any) -> float:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.timestamp()


_STEP_FUNCTIONS = {
    "validate_state_machine_definition": _validate_definition,
    "list_state_machine_versions": _list_versions,
}


def main(argv: list[str] | None = None) -> None:
    arguments = argv if argv is not None else sys.argv[1:]
    install()
    run_rollouts(_port(arguments))
    from moto.server import main as moto_main

    moto_main(arguments)


def run_rollouts(port: str | None) -> None:
    """Let moto run state machines (rollouts) and their Lambda and CloudWatch tasks.

    Set before any state machine is created: moto keeps executable state machines in a backend
    of their own. The tasks call back into this server through ``MOTO_PORT``. Lambda invokes use
    moto's Docker-free backend, which ``generator.local.runtime`` makes run the version's own code:
    a rollout's smoke test reads the real handler's answer. ``MOTO_PORT`` is also where a
    handler's SDK calls go (its ``AWS_ENDPOINT_URL``).
    """
    from moto.core.config import default_user_config

    default_user_config["stepfunctions"] = {"execute_state_machine": True}
    default_user_config["lambda"] = {"use_docker": False}
    if port is not None:
        os.environ["MOTO_PORT"] = port


def _port(arguments: list[str]) -> str | None:
    for flag in ("-p", "--port"):
        if flag in arguments[:-1]:
            return arguments[arguments.index(flag) + 1]
    return None


if __name__ == "__main__":
    main()
