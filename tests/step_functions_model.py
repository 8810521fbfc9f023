"""A model of Step Functions and CloudWatch, just enough to walk a rollout's state machine in Python.

Not a test module: ``test_rollout_machine`` walks ``rollout.machine``'s definitions with it,
and ``test_rollout_model`` takes the function, alias and versions it answers for.

What it models:

- the Amazon States Language as the definition uses it (``walk``): the Task, Wait, Pass, Choice,
  Succeed and Fail states; Parameters and ResultSelector (keys ending in ``.$``), ResultPath;
  the JSONPath forms ``$.a.b``, ``$.a[0]``, ``$.a[*].b`` and the filter ``[?(@.Id == 'x')]``; the
  context object's ``$$.State.EnteredTime`` and ``$$.Execution.Name``; the intrinsic functions ``States.MathAdd``,
  ``States.ArrayGetItem``, ``States.JsonToString`` and ``States.Format``; the Choice rules the
  definition writes; Retry (interval, backoff rate, attempts) and Catch, where ``States.ALL``
  never takes a ``States.Runtime``;
- the calls its tasks make (``FakeAws``): Lambda's GetAlias and UpdateAlias on one alias, with
  its RevisionId precondition, and Invoke for the smoke test; CloudWatch's DescribeAlarms of the
  alarms in ALARM, metric and composite; GetMetricData over green's Invocations and Errors served
  during each wait and counted ``lag_s`` late, with the one metric-math expression a check sends;
  SSM's GetParameter of the controls' parameter (``control``; none: ``ParameterNotFound``);
- a Standard execution's history: how many events each state writes (``history_events``).

What it does not: any other state type (Parallel, Map), InputPath, OutputPath, timeouts and
heartbeats, payload sizes, IAM, CloudWatch's alarm evaluation (a test sets an alarm firing) and
its datapoints per period (one value for the whole window asked), a Lambda function running (a
test gives the smoke test's answer), or any time passing but in Wait states and Retry intervals.
A construct it does not model fails with an ``AssertionError`` naming it. What the emulator
makes of the same definition is ``test_rollout_e2e``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

# The function, its alias and versions the fake answers for: it asserts each call names them.
FUNCTION, ALIAS, BLUE, GREEN = "shop-orders", "live", "3", "7"
EXECUTION = "orders-v7"  # the walked execution's name (``$$.Execution.Name``)


class Raised(Exception):
    """An AWS error as a task sees it (``Lambda.PreconditionFailedException``)."""

    def __init__(self, error: str, cause: str = ""):
        super().__init__(error)
        self.error, self.cause = error, cause


# What green serves during the n-th wait (from 0) of a phase (``Step 1``, ``Final bake``): its
# invocations and how many of them failed.
Traffic = Callable[[str, int], tuple[int, int]]


def steady(invocations: int = 30, errors: int = 0) -> Traffic:
    """The same traffic during every wait: 30 invocations a check pass a step of two checks."""
    return lambda phase, n: (invocations, errors)


def scripted(script: dict[str, list[tuple[int, int]]]) -> Traffic:
    """Each phase's waits in order, then nothing; a phase not named serves ``steady()``."""
    return lambda phase, n: (script[phase][n] if n < len(script[phase]) else (0, 0)) if phase in script \
        else steady()(phase, n)


EPOCH = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # when a walked execution starts


def timestamp(seconds: float) -> str:
    """The time ``seconds`` into the execution, as ``$$.State.EnteredTime`` gives it."""
    return (EPOCH + timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _seconds(text: str) -> float:
    return (datetime.fromisoformat(text.replace("Z", "+00:00")) - EPOCH).total_seconds()


class FakeAws:
    """One alias, some alarms and green's Lambda metrics, answering the tasks of the definition as
    AWS documents them.

    ``hooks[(action, n)]`` runs before the n-th call (from 1) of ``action`` (``cloudwatch:describeAlarms``):
    an alarm firing, someone else's change of the alias. ``failing[action]``: every call fails;
    ``fail_once[action]``: the next calls fail, one per error listed, then they succeed.

    ``traffic``: what green serves during each wait; CloudWatch counts it ``lag_s`` after the wait
    ends (Lambda's metrics arrive late), stamped with the time it was served, and GetMetricData
    sums what it has counted in the asked window.
    """

    def __init__(self, blue: str = BLUE, smoke_answer: Any = None, traffic: Traffic | None = None,
                 lag_s: int = 0):
        self.version, self.weights, self.revision, self.revisions = blue, {}, "r0", 0
        self.firing: set[str] = set()
        self.firing_composite: set[str] = set()
        self.failing: dict[str, Raised] = {}
        self.fail_once: dict[str, list[Raised]] = {}
        self.smoke_answer, self.invoked = smoke_answer, []
        self.changes: list[tuple[str, dict, str | None]] = []  # (version, weights, the RevisionId sent)
        self.sent: list[dict] = []  # each UpdateAlias's parameters that Lambda took
        self.calls: dict[str, int] = {}
        self.hooks: dict[tuple[str, int], Callable[[], None]] = {}
        self.traffic, self.lag_s = traffic or steady(), lag_s
        self.served: list[tuple[float, float, int, int]] = []  # (served at, counted at, invocations, errors)
        self.waits: dict[str, int] = {}
        self.answers: list[dict[str, list[float]]] = []  # each GetMetricData answer: values by query id
        # Provisioned concurrency by version: (figure, status, reads left IN_PROGRESS, reason).
        # ``warm_reads``: how many reads a new figure stays IN_PROGRESS; ``warm_fails``: the reason
        # a config goes FAILED with, if it does.
        self.provisioned: dict[str, list] = {}
        self.warm_reads, self.warm_fails = 1, None
        self.log: list[tuple] = []  # ("put", version, figure), ("status", version, status), ("weights", ...)
        self.control: str | None = None  # the controls' SSM parameter's value; None: no parameter

    def change(self, version: str, weights: dict) -> None:
        self.revisions += 1
        self.version, self.weights, self.revision = version, weights, f"r{self.revisions}"

    def wait(self, state: str, start: float, seconds: int) -> None:
        """A Wait state from ``start``: green serves its phase's traffic meanwhile."""
        phase = state.split(": ")[0]
        n = self.waits[phase] = self.waits.get(phase, -1) + 1
        invocations, errors = self.traffic(phase, n)
        if invocations:  # no invocation, no datapoint (CloudWatch then has no value)
            self.served.append((start, start + seconds + self.lag_s, invocations, errors))

    def __call__(self, resource: str, parameters: dict) -> Any:
        action = resource.removeprefix("arn:aws:states:::").removeprefix("aws-sdk:")
        self.calls[action] = self.calls.get(action, 0) + 1
        self.hooks.pop((action, self.calls[action]), lambda: None)()
        if action in self.failing:
            raise self.failing[action]
        if self.fail_once.get(action):
            raise self.fail_once[action].pop(0)
        if action in ("lambda:getAlias", "lambda:updateAlias"):
            assert (parameters["FunctionName"], parameters["Name"]) == (FUNCTION, ALIAS)
        if action == "lambda:getAlias":
            return {"FunctionVersion": self.version, "RevisionId": self.revision,
                    "RoutingConfig": {"AdditionalVersionWeights": self.weights}}
        if action == "lambda:updateAlias":
            if "RevisionId" in parameters and parameters["RevisionId"] != self.revision:
                raise Raised("Lambda.PreconditionFailedException", "The Revision Id provided does not match")
            self.sent.append(parameters)
            self.changes.append((parameters["FunctionVersion"],
                                 parameters["RoutingConfig"].get("AdditionalVersionWeights", {}),
                                 parameters.get("RevisionId")))
            self.change(parameters["FunctionVersion"], self.changes[-1][1])
            self.log.append(("alias", self.version, dict(self.weights)))
            return {"FunctionVersion": self.version, "RevisionId": self.revision}
        if action.endswith("ProvisionedConcurrencyConfig"):
            return self.provisioned_call(action, parameters)
        if action == "cloudwatch:describeAlarms":
            assert (parameters["StateValue"], parameters["AlarmTypes"]) == ("ALARM", ["MetricAlarm", "CompositeAlarm"])
            return {"MetricAlarms": [{"AlarmName": n} for n in parameters["AlarmNames"] if n in self.firing],
                    "CompositeAlarms": [{"AlarmName": n} for n in parameters["AlarmNames"]
                                        if n in self.firing_composite]}
        if action == "cloudwatch:getMetricData":
            return self.metric_data(parameters)
        if action == "ssm:getParameter":
            if self.control is None:
                raise Raised("Ssm.ParameterNotFoundException", f"Parameter {parameters['Name']} not found.")
            return {"Parameter": {"Name": parameters["Name"], "Type": "String", "Value": self.control}}
        if action == "lambda:invoke":
            assert (parameters["FunctionName"], parameters["Qualifier"]) == (FUNCTION, GREEN)
            self.invoked.append(parameters["Payload"])
            return {"StatusCode": 200, "Payload": self.smoke_answer}
        raise AssertionError(f"unexpected task {resource}")

    def provisioned_call(self, action: str, parameters: dict) -> dict:
        """Put (IN_PROGRESS for ``warm_reads`` reads, then READY, or FAILED), Get and Delete of a
        version's config, as Lambda answers them; the same figure again keeps a READY config READY."""
        assert parameters["FunctionName"] == FUNCTION
        version = parameters["Qualifier"]
        assert version.isdigit(), "provisioned concurrency only on versions, never on the alias"
        config = self.provisioned.get(version)
        if action == "lambda:deleteProvisionedConcurrencyConfig":
            self.log.append(("delete", version))
            if self.provisioned.pop(version, None) is None:
                raise Raised("Lambda.ProvisionedConcurrencyConfigNotFoundException")
            return {}
        if action == "lambda:putProvisionedConcurrencyConfig":
            figure = parameters["ProvisionedConcurrentExecutions"]
            self.log.append(("put", version, figure))
            if not (config and config[:2] == [figure, "READY"]):
                config = self.provisioned[version] = [figure, "IN_PROGRESS", self.warm_reads, self.warm_fails]
        elif config is None:
            raise Raised("Lambda.ProvisionedConcurrencyConfigNotFoundException")
        elif config[1] == "IN_PROGRESS":
            if config[2] <= 0:
                config[1] = "FAILED" if config[3] else "READY"
            config[2] -= 1
        self.log.append(("status", version, config[1]))
        return {"RequestedProvisionedConcurrentExecutions": config[0], "Status": config[1],
                **({"StatusReason": config[3]} if config[1] == "FAILED" else {})}

    def metric_data(self, parameters: dict) -> dict:
        """GetMetricData: each query's one value over the window (none when nothing was counted),
        the metric-math expressions evaluated from the text sent, only ReturnData queries answered."""
        start, end = _seconds(parameters["StartTime"]), _seconds(parameters["EndTime"])
        assert start <= end and parameters["ScanBy"] == "TimestampAscending", parameters
        counted = [row for row in self.served if start <= row[0] < end and row[1] <= end]
        values: dict[str, list[float]] = {}
        queries = parameters["MetricDataQueries"]
        for query in (q for q in queries if "MetricStat" in q):
            stat = query["MetricStat"]
            metric = stat["Metric"]
            assert (metric["Namespace"], stat["Stat"]) == ("AWS/Lambda", "Sum"), query
            assert {d["Name"]: d["Value"] for d in metric["Dimensions"]} == {
                "FunctionName": FUNCTION, "Resource": f"{FUNCTION}:{ALIAS}", "ExecutedVersion": GREEN}
            assert end - start <= stat["Period"], "the window must fit one period: one value"
            column = {"Invocations": 2, "Errors": 3}[metric["MetricName"]]
            values[query["Id"]] = [float(sum(row[column] for row in counted))] if counted else []
        for query in (q for q in queries if "Expression" in q):
            values[query["Id"]] = _metric_math(query["Expression"], values)
        self.answers.append(values)
        return {"MetricDataResults": [{"Id": q["Id"], "Label": q["Id"], "StatusCode": "Complete",
                                       "Timestamps": [parameters["StartTime"]] * len(values[q["Id"]]),
                                       "Values": values[q["Id"]]}
                                      for q in queries if q.get("ReturnData", True)], "Messages": []}


_RATE = re.compile(r"IF\((\w+) >= (\d+), (\w+) / (\w+), 0\)")


def _metric_math(expression: str, values: dict[str, list[float]]) -> list[float]:
    """The one metric-math form a check sends, ``IF(count >= N, errors / count, 0)``, read from its
    text; no value when the count has none."""
    match = _RATE.fullmatch(expression)
    assert match and match[1] == match[4], f"metric math not modelled: {expression}"
    count, least, errors = values[match[1]], int(match[2]), values[match[3]]
    if not count:
        return []
    return [errors[0] / count[0] if count[0] >= least else 0.0]


_STEP = r"\.([^.\[\]]+)|\[(\d+|\*)\]|\[\?\(@\.(\w+) == '([^']*)'\)\]"
_PATH = re.compile(f"(?:{_STEP})*")
_MISSING = object()


def _get(data: Any, path: str) -> Any:
    """A JSONPath of the forms the definition uses: ``$``, ``$.a.b``, ``$.a[0]``, ``$.a[*].b``, and
    a filter ``$.a[?(@.Id == 'x')].b``, which gives the list of what each match holds."""
    assert path.startswith("$") and _PATH.fullmatch(path[1:]), path
    values, many = [data], False
    for name, index, key, wanted in re.findall(_STEP, path[1:]):
        found: list[Any] = []
        for value in values:
            if name and isinstance(value, dict) and name in value:
                found.append(value[name])
            elif index == "*" and isinstance(value, list):
                many = True
                found += value
            elif index.isdigit() and isinstance(value, list) and int(index) < len(value):
                found.append(value[int(index)])
            elif key and isinstance(value, list):
                many = True
                found += [item for item in value if isinstance(item, dict) and item.get(key) == wanted]
        values = found
    if many:
        return values
    return values[0] if values else _MISSING


def _evaluate(expression: str, data: Any, context: dict) -> Any:
    """A path (``$$.``: the context object), a number, or one of the intrinsic functions the
    definition uses."""
    if expression.startswith("$"):
        value = _get(context, expression[1:]) if expression.startswith("$$") else _get(data, expression)
        if value is _MISSING:
            raise Raised("States.Runtime", f"no value at {expression}")
        return value
    if re.fullmatch(r"-?\d+(\.\d+)?", expression):
        return json.loads(expression)
    function, arguments = re.fullmatch(r"(States\.\w+)\((.*)\)", expression).groups()
    if function == "States.MathAdd":
        path, number = _arguments(arguments)
        return _evaluate(path, data, context) + int(number)
    if function == "States.ArrayGetItem":
        array, index = _arguments(arguments)
        items = _evaluate(array, data, context)
        if not isinstance(items, list) or int(index) >= len(items):
            raise Raised("States.Runtime", f"no item {index} in {items!r}")
        return items[int(index)]
    if function == "States.JsonToString":
        return json.dumps(_evaluate(arguments.strip(), data, context), separators=(",", ":"))
    if function == "States.Format":
        template, rest = re.fullmatch(r"'((?:[^'\\]|\\.)*)',\s*(.+)", arguments).groups()
        values = [_evaluate(argument, data, context) for argument in _arguments(rest)]
        assert template.count("{}") == len(values), expression
        # a string as it is, anything else as JSON (a CloudWatch value is a double: 3.0)
        return template.format(*(value if isinstance(value, str) else json.dumps(value) for value in values))
    raise AssertionError(f"intrinsic function not modelled: {expression}")


def _arguments(text: str) -> list[str]:
    """An intrinsic function's arguments: split at the commas outside parentheses and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(text):
        if char == "'" and (index == 0 or text[index - 1] != "\\"):
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == ",":
            parts.append(text[start:index].strip())
            start = index + 1
    return [*parts, text[start:].strip()]


def _resolve(template: Any, data: Any, context: dict) -> Any:
    """Parameters or ResultSelector: a key ending in ``.$`` takes the value its path names."""
    if isinstance(template, dict):
        return {key.removesuffix(".$"): _evaluate(value, data, context) if key.endswith(".$")
                else _resolve(value, data, context) for key, value in template.items()}
    if isinstance(template, list):
        return [_resolve(value, data, context) for value in template]
    return template


def _put(data: Any, path: str | None, value: Any) -> Any:
    """ResultPath: None keeps the input, ``$`` replaces it, ``$.a.b`` sets that field of a copy."""
    if path is None:
        return data
    if path == "$":
        return value
    keys = path.removeprefix("$.").split(".")
    copy = dict(data)
    node = copy
    for key in keys[:-1]:
        node[key] = dict(node.get(key, {}))
        node = node[key]
    node[keys[-1]] = value
    return copy


def _matches(rule: dict, data: Any) -> bool:
    if "And" in rule:
        return all(_matches(inner, data) for inner in rule["And"])
    value = _get(data, rule["Variable"])
    if "IsPresent" in rule:
        return (value is not _MISSING) == rule["IsPresent"]
    if value is _MISSING:
        raise Raised("States.Runtime", f"no value at {rule['Variable']}")
    if "IsNumeric" in rule:
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) == rule["IsNumeric"]
    if "StringEquals" in rule:
        return value == rule["StringEquals"]
    if "StringEqualsPath" in rule:
        return value == _evaluate(rule["StringEqualsPath"], data, {})
    if "NumericLessThan" in rule:
        return value < rule["NumericLessThan"]
    if "NumericGreaterThan" in rule:
        return value > rule["NumericGreaterThan"]
    if "NumericGreaterThanEquals" in rule:
        return value >= rule["NumericGreaterThanEquals"]
    raise AssertionError(f"choice rule not modelled: {rule}")


def _handles(rule: dict, error: str) -> bool:
    """A Retry's or Catch's ErrorEquals: the error's name, or States.ALL (never a States.Runtime)."""
    return error in rule["ErrorEquals"] or ("States.ALL" in rule["ErrorEquals"] and error != "States.Runtime")


@dataclasses.dataclass
class Outcome:
    status: str  # "Succeeded", or the Fail state's Error
    cause: str | None
    visited: list[str]
    waited_s: int  # in Wait states
    retries: int  # task attempts a Retry made again


def walk(document: dict, aws: FakeAws, most_states: int = 1000) -> Outcome:
    """Run ``document`` as a Standard workflow would on these paths, with ``aws`` answering its tasks
    and a clock that only Wait states and Retry intervals move."""
    states, name, data = document["States"], document["StartAt"], {}
    visited, now, waited, retries = [], 0.0, 0, 0
    for _ in range(most_states):
        visited.append(name)
        state, context = states[name], {"State": {"Name": name, "EnteredTime": timestamp(now)},
                                        "Execution": {"Name": EXECUTION}}
        kind = state["Type"]
        if kind == "Succeed":
            return Outcome("Succeeded", None, visited, waited, retries)
        if kind == "Fail":
            cause = _evaluate(state["CausePath"], data, context) if "CausePath" in state else state.get("Cause")
            return Outcome(state["Error"], cause, visited, waited, retries)
        if kind == "Wait":
            aws.wait(name, now, state["Seconds"])
            now, waited, name = now + state["Seconds"], waited + state["Seconds"], state["Next"]
        elif kind == "Pass":
            result = state["Result"] if "Result" in state else _resolve(state.get("Parameters", data), data, context)
            data, name = _put(data, state.get("ResultPath", "$"), result), state["Next"]
        elif kind == "Choice":
            name = next((rule["Next"] for rule in state["Choices"] if _matches(rule, data)), state["Default"])
        elif kind == "Task":
            data, name, slept, again = _task(state, data, context, aws)
            now, retries = now + slept, retries + again
        else:
            raise AssertionError(f"state type not modelled: {kind}")
    raise AssertionError(f"no end after {most_states} states: {visited[-10:]}")


def _task(state: dict, data: Any, context: dict, aws: FakeAws) -> tuple[Any, str, float, int]:
    """A Task, its Retry and Catch: the output, the next state, the seconds its retries waited and
    how many there were."""
    attempts: dict[int, int] = {}
    slept = 0.0
    while True:
        try:
            result = aws(state["Resource"], _resolve(state["Parameters"], data, context))
            if "ResultSelector" in state:
                result = _resolve(state["ResultSelector"], result, context)
            return _put(data, state.get("ResultPath", "$"), result), state["Next"], slept, sum(attempts.values())
        except Raised as raised:
            index = next((i for i, rule in enumerate(state.get("Retry", [])) if _handles(rule, raised.error)), None)
            if index is not None and attempts.get(index, 0) < state["Retry"][index]["MaxAttempts"]:
                rule, tried = state["Retry"][index], attempts.get(index, 0)
                slept += rule["IntervalSeconds"] * rule["BackoffRate"] ** tried
                attempts[index] = tried + 1
                continue
            catch = next(c for c in state["Catch"] if _handles(c, raised.error))
            output = _put(data, catch["ResultPath"], {"Error": raised.error, "Cause": raised.cause})
            return output, catch["Next"], slept, sum(attempts.values())


# The events each state writes in a Standard execution's history: entered and exited; a task's
# scheduled, started and succeeded between; a Succeed's exited and a Fail's end of the execution
# (ExecutionSucceeded, ExecutionFailed). A retried attempt adds its scheduled, started and failed.
EVENTS = {"Task": 5, "Wait": 2, "Pass": 2, "Choice": 2, "Succeed": 3, "Fail": 2}
EVENTS_PER_RETRY = 3
HISTORY_EVENTS_MAX = 25_000  # Step Functions fails a Standard execution at this many


def history_events(document: dict, outcome: Outcome) -> int:
    """The events of a walked execution's history, ExecutionStarted first."""
    return 1 + sum(EVENTS[document["States"][name]["Type"]] for name in outcome.visited) + \
        EVENTS_PER_RETRY * outcome.retries
