"""The emulator's metric math (``generator.local.metric_math``), through boto3 and a state machine.

A rollout's check reads an error rate with ``IF(<count> >= <N>, <errors> / <count>, 0)`` from
``GetMetricData``, over ONE bucket (a Period of at least the window); moto 5.2.5 answers any
metric-math expression with no values. Each test puts Lambda metrics for its own function on the
module's server (``moto_endpoint``) and reads them back.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from generator.local.metric_math import ONLY_FORM

EXPRESSION = "IF(invocations >= 3, errors / invocations, 0)"
START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture(scope="module")
def client(moto_endpoint):
    def make(service, **config):
        return boto3.client(service, endpoint_url=moto_endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test", config=Config(**config))

    return make


@pytest.fixture(scope="module")
def cloudwatch(client):
    return client("cloudwatch")


def _dimensions(function: str) -> list[dict[str, str]]:
    return [{"Name": "FunctionName", "Value": function}, {"Name": "Resource", "Value": f"{function}:live"},
            {"Name": "ExecutedVersion", "Value": "2"}]


def _put(cloudwatch, function: str, metric: str, *counts: tuple[int, float]) -> None:
    """Data points ``(seconds after START, value)`` of one Lambda metric of the function."""
    cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=[
        {"MetricName": metric, "Dimensions": _dimensions(function), "Timestamp": START + timedelta(seconds=second),
         "Value": value, "Unit": "Count"} for second, value in counts])


def _queries(function: str, period: int, expression: str = EXPRESSION) -> list[dict]:
    def stat(query_id: str, metric: str) -> dict:
        return {"Id": query_id, "ReturnData": False, "MetricStat": {
            "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": _dimensions(function)},
            "Period": period, "Stat": "Sum"}}

    return [stat("invocations", "Invocations"), stat("errors", "Errors"),
            {"Id": "error_rate", "Expression": expression, "Label": "rate"}]


def _rate(cloudwatch, function: str, period: int = 600, **extra) -> dict:
    (answer,) = cloudwatch.get_metric_data(MetricDataQueries=_queries(function, period), StartTime=START,
                                           EndTime=START + timedelta(seconds=600), **extra)["MetricDataResults"]
    return answer


def unique() -> str:
    return f"math-{uuid.uuid4().hex[:10]}"


def test_a_count_below_the_floor_gives_a_rate_of_zero(cloudwatch):
    function = unique()
    _put(cloudwatch, function, "Invocations", (10, 1), (20, 1))
    _put(cloudwatch, function, "Errors", (10, 1), (20, 1))
    answer = _rate(cloudwatch, function)
    assert (answer["Id"], answer["Label"], answer["StatusCode"]) == ("error_rate", "rate", "Complete")
    assert answer["Values"] == [0.0] and answer["Timestamps"] == [START]


def test_a_count_at_or_above_the_floor_gives_errors_over_invocations_in_one_bucket(cloudwatch):
    function = unique()
    _put(cloudwatch, function, "Invocations", (10, 2), (300, 1), (590, 1))
    _put(cloudwatch, function, "Errors", (300, 1))
    answer = _rate(cloudwatch, function)
    assert answer["Values"] == [0.25] and answer["Timestamps"] == [START]


def test_no_invocations_or_no_errors_point_gives_no_point(cloudwatch):
    quiet, clean = unique(), unique()
    _put(cloudwatch, clean, "Invocations", (10, 5))
    assert _rate(cloudwatch, quiet)["Values"] == [] and _rate(cloudwatch, quiet)["Timestamps"] == []
    assert _rate(cloudwatch, clean)["Values"] == []  # no errors point: no quotient


def test_buckets_follow_scan_by_and_return_data_shows_the_operands(cloudwatch):
    function = unique()
    _put(cloudwatch, function, "Invocations", (10, 4), (70, 1))
    _put(cloudwatch, function, "Errors", (10, 2))
    assert _rate(cloudwatch, function, period=60)["Values"] == [0.0, 0.5]  # TimestampDescending, moto's default
    ascending = _rate(cloudwatch, function, period=60, ScanBy="TimestampAscending")
    assert ascending["Values"] == [0.5, 0.0]
    assert ascending["Timestamps"] == [START, START + timedelta(seconds=60)]
    queries = [dict(q, ReturnData=True) for q in _queries(function, 600)]
    answers = cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=START,
                                         EndTime=START + timedelta(seconds=600))["MetricDataResults"]
    assert [(a["Id"], a["Values"]) for a in answers] == [("invocations", [5.0]), ("errors", [2.0]),
                                                         ("error_rate", [0.4])]


@pytest.mark.parametrize("expression", ["invocations / 2", "IF(invocations>=3, errors / invocations, 0)",
                                        "IF(invocations >= 3, errors / other, 0)"])
def test_any_other_expression_is_refused_naming_it(cloudwatch, expression):
    with pytest.raises(ClientError) as refused:
        cloudwatch.get_metric_data(MetricDataQueries=_queries(unique(), 600, expression), StartTime=START,
                                   EndTime=START + timedelta(seconds=600))
    error = refused.value.response["Error"]
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "ValidationError"
    assert error["Message"] == ONLY_FORM.format(expression=expression)


def test_a_period_past_the_window_gives_one_bucket_and_iso_text_times_are_read(client):
    """As moto's Step Functions task client sends them: text times, no parameter validation."""
    cloudwatch, function = client("cloudwatch", parameter_validation=False), unique()
    _put(cloudwatch, function, "Invocations", (1, 3), (400, 3))
    _put(cloudwatch, function, "Errors", (400, 3))
    start, end = START + timedelta(milliseconds=345), START + timedelta(seconds=412, milliseconds=7)
    text = {"StartTime": start.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "EndTime": end.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    (answer,) = cloudwatch.get_metric_data(MetricDataQueries=_queries(function, 420), **text)["MetricDataResults"]
    assert answer["Values"] == [0.5] and answer["Timestamps"] == [START]


def test_a_state_machine_reads_the_rate_with_a_jsonpath_filter_and_chooses_on_it(client):
    """The filter's answer is a list of each match's Values: ``[[rate]]``, or ``[[]]`` with no point.

    moto's JSONPath (``stepfunctions/parser/asl/utils/json_path.py``) gives a scalar for a path that
    ends in ``Values[0]`` and fails the task (States.Runtime) when there is no point, so the rate is
    read as ``rate[0][0]`` after an ``IsPresent`` check.
    """
    function = unique()
    cloudwatch, states = client("cloudwatch"), client("stepfunctions")
    _put(cloudwatch, function, "Invocations", (10, 4))
    _put(cloudwatch, function, "Errors", (10, 1))
    role = client("iam").create_role(RoleName=unique(), AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    read = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:cloudwatch:getMetricData",
            "Parameters": {"StartTime.$": "$.start", "EndTime.$": "$$.State.EnteredTime",
                           "MetricDataQueries.$": "$.queries"},
            "ResultSelector": {"rate.$": "$.MetricDataResults[?(@.Id == 'error_rate')].Values"}, "ResultPath": "$.x"}

    def present(path: str, then: str, otherwise: str) -> dict:
        return {"Type": "Choice", "Choices": [{"Variable": path, "IsPresent": True, "Next": then}], "Default": otherwise}

    definition = {"StartAt": "Read", "States": {
        "Read": dict(read, Next="Later"),
        # moto drops the milliseconds and refuses StartTime == EndTime: the whole-execution window
        # must be a second long at least.
        "Later": {"Type": "Wait", "Seconds": 1, "Next": "Quiet"},
        "Quiet": dict(read, Parameters=dict(read["Parameters"], **{"StartTime.$": "$$.Execution.StartTime"}),
                      ResultPath="$.quiet", Next="QuietSeen"),
        "QuietSeen": present("$.quiet.rate[0][0]", "Wrong", "Seen"),
        "Seen": present("$.x.rate[0][0]", "Gate", "Wrong"),
        "Gate": {"Type": "Choice", "Choices": [{"Variable": "$.x.rate[0][0]", "NumericGreaterThan": 0.2,
                                                "Next": "Failing"}], "Default": "Wrong"},
        "Failing": {"Type": "Fail", "Error": "Rate"}, "Wrong": {"Type": "Fail", "Error": "Wrong"}}}
    machine = states.create_state_machine(name=unique(), definition=json.dumps(definition),
                                          roleArn=role)["stateMachineArn"]
    start = START.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    execution = states.start_execution(stateMachineArn=machine, input=json.dumps(
        {"start": start, "queries": _queries(function, 7200)}))["executionArn"]
    answer = _finished(states, execution)
    assert answer["status"] == "FAILED" and answer["error"] == "Rate", answer
    events = states.get_execution_history(executionArn=execution)["events"]
    (read,) = [json.loads(e["stateExitedEventDetails"]["output"]) for e in events
               if e.get("stateExitedEventDetails", {}).get("name") == "Quiet"]
    assert read["x"] == {"rate": [[0.25]]} and read["quiet"] == {"rate": [[]]}


def _finished(states, execution: str) -> dict:
    deadline = time.monotonic() + 60
    while (answer := states.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return answer
