"""What a REST API's stage carries besides its deployment: logs, throttling, API keys.

- Access logs (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role): a log group
  with a retention (and the user's KMS key, if any), and one JSON line per request in
  ``ACCESS_LOG_FORMAT``.
- Throttling (docs/aws-rules.md#r41-throttling) and execution logs (#r42 again):
  ``aws_api_gateway_method_settings`` for every method (``*/*``) and per route, one after the
  other (each is an update of the same stage). Execution logs set the logging level and detailed
  metrics in every one of them, so a route's own settings log as the stage's do.
- API keys (docs/aws-rules.md#r40-api-keys-and-usage-plans): a usage plan bound to the stage, a
  key per name and the key's place in the plan. Key values are AWS's to generate and never
  written or output; ``<name>_api_key_ids`` outputs the ids.
"""

from __future__ import annotations

import json

from cdktf import TerraformResourceLifecycle
from constructs import Construct

from ...bindings.provider import (
    ApiGatewayApiKey,
    ApiGatewayMethodSettings,
    ApiGatewayMethodSettingsSettings,
    ApiGatewayStageAccessLogSettings,
    ApiGatewayUsagePlan,
    ApiGatewayUsagePlanApiStages,
    ApiGatewayUsagePlanKey,
    ApiGatewayUsagePlanQuotaSettings,
    ApiGatewayUsagePlanThrottleSettings,
    CloudwatchLogGroup,
)
from ...bindings.terraform_text import literal
from ...model import naming
from ...model.naming import ref
from ...model.stack import Deployment
from ..doors import Route
from .addresses import RestApiAddresses, access_log_group_name, api_key_name, api_name
from .declaration import RestApi, rest_api_of
from .options import AccessLogs, ApiKeys

# One JSON object per request. $context.integration.requestId is Lambda's request id, which the
# function's own log lines carry, in a log stream named after the version that ran: the way to
# tell blue's requests from green's (no $context variable holds the executed version).
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "integrationError": "$context.integration.error",
    "lambdaRequestId": "$context.integration.requestId",
    "xrayTraceId": "$context.xrayTraceId",
}
ACCESS_LOG_FORMAT = json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))


def access_log_settings(scope: Construct, deployment: Deployment, logs: AccessLogs,
                        name_prefix: str) -> ApiGatewayStageAccessLogSettings:
    """The stage's access log settings, and the log group they write to."""
    at = RestApiAddresses(deployment)
    group = CloudwatchLogGroup(scope, "api_access_logs", name=access_log_group_name(name_prefix, deployment),
                               retention_in_days=logs.retention_days,
                               kms_key_id=literal(logs.kms_key_arn) if logs.kms_key_arn else None)
    group.override_logical_id(naming.logical_id(at.access_log_group))
    return ApiGatewayStageAccessLogSettings(destination_arn=ref(at.access_log_group, "arn"),
                                            format=literal(ACCESS_LOG_FORMAT))


def method_settings(scope: Construct, deployment: Deployment) -> None:
    """Throttling and execution logs of every method of the stage, then of each route that
    overrides its throttling."""
    api = rest_api_of(deployment)
    assert api is not None, "only a deployment with an API has a stage"
    at = RestApiAddresses(deployment)
    wanted = [(at.stage_method_settings, "*/*", api.throttle)] if api.throttle or api.execution_logs else []
    wanted += [(at.route_method_settings(route.method, route.path), method_path(route), route.throttle)
               for route in sorted(api.routes, key=lambda r: (r.path, r.method)) if route.throttle]
    # Detailed metrics go with execution logs: a level alone would leave them off.
    logging = dict(logging_level=api.execution_logs, metrics_enabled=True) if api.execution_logs else {}
    previous: list = []
    for address, path, throttle in wanted:
        limits = dict(throttling_rate_limit=throttle.rate_limit,
                      throttling_burst_limit=throttle.burst_limit) if throttle else {}
        settings = ApiGatewayMethodSettings(
            scope, f"method_settings_{naming.logical_id(address)}", rest_api_id=ref(at.rest_api, "id"),
            stage_name=ref(at.stage, "stage_name"), method_path=path,
            settings=ApiGatewayMethodSettingsSettings(**limits, **logging),
            # One stage update at a time: API Gateway refuses concurrent changes to a stage.
            depends_on=previous or None,
            # A renamed stage gets its settings before the old stage's go: throttling never lapses
            # (docs/aws-rules.md#r27-create-before-destroy).
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
        settings.override_logical_id(naming.logical_id(address))
        previous = [settings]


def method_path(route: Route) -> str:
    """A method's key in the stage's settings: its resource path with every ``/`` written ``~1``
    (a JSON pointer escape; the leading one too), then ``/`` and the method, so ``GET /orders/{id}``
    is ``~1orders~1{id}/GET`` and ``GET /`` is ``~1/GET``. It is the key AWS reports back, so the
    provider finds it when it reads the stage (docs/aws-rules.md#r41-throttling)."""
    return f"{route.path.replace('/', '~1')}/{route.method}"


def usage_plan(scope: Construct, deployment: Deployment, name_prefix: str) -> None:
    """The usage plan, bound to the stage, and each API key in it."""
    api: RestApi | None = rest_api_of(deployment)
    assert api is not None and isinstance(api.api_keys, ApiKeys), "only an API with keys has a usage plan"
    keys, at = api.api_keys, RestApiAddresses(deployment)
    quota = keys.quota and ApiGatewayUsagePlanQuotaSettings(limit=keys.quota.limit, period=keys.quota.period)
    throttle = keys.throttle and ApiGatewayUsagePlanThrottleSettings(rate_limit=keys.throttle.rate_limit,
                                                                     burst_limit=keys.throttle.burst_limit)
    plan = ApiGatewayUsagePlan(
        scope, "usage_plan", name=api_name(name_prefix, deployment),
        description=literal(f"{deployment.name}: API keys of stage {api.stage}"),
        api_stages=[ApiGatewayUsagePlanApiStages(api_id=ref(at.rest_api, "id"), stage=ref(at.stage, "stage_name"))],
        quota_settings=quota or None, throttle_settings=throttle or None)
    plan.override_logical_id(naming.logical_id(at.usage_plan))
    for name in keys.names:
        key = ApiGatewayApiKey(scope, f"api_key_{name}",
                               name=api_key_name(name_prefix, deployment, name))
        key.override_logical_id(naming.logical_id(at.api_key(name)))
        plan_key = ApiGatewayUsagePlanKey(scope, f"usage_plan_key_{name}",
                                          key_id=ref(at.api_key(name), "id"), key_type="API_KEY",
                                          usage_plan_id=ref(at.usage_plan, "id"))
        plan_key.override_logical_id(naming.logical_id(at.usage_plan_key(name)))
