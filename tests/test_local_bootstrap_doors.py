"""``up --local`` bootstraps a region only for a REST API that logs through the account's role,
whatever ``Deployment.api`` holds: one door, a list of doors, or a door with no access logs."""

from __future__ import annotations

from generator import AccessLogs, Deployment, Function, RestApi, Route, Stack
from generator.local.bootstrap import logs_through_account

FUNCTION = Function(source="src", handler="app.handler", runtime="python3.12")
API = RestApi(routes=[Route("GET", "/x")])


def _stack(api) -> Stack:
    return Stack(name="shop", region="us-east-1", deployments=[Deployment(name="orders", function=FUNCTION, api=api)])


def test_a_rest_api_alone_or_in_a_list_of_doors_logs_through_the_account():
    assert logs_through_account(_stack(API))
    assert logs_through_account(_stack([API]))


def test_no_bootstrap_without_a_rest_api_that_logs_through_the_account():
    assert not logs_through_account(_stack(None))
    assert not logs_through_account(_stack([RestApi(routes=[Route("GET", "/x")], access_logs=None)]))
    assert not logs_through_account(_stack(RestApi(routes=[Route("GET", "/x")],
                                                   access_logs=AccessLogs(cloudwatch_role="create"))))
