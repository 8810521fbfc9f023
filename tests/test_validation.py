"""Unit tests of the model rules in ``generator.features.validation``.

Every bad input is checked against the exact message a user reads (``str(problem)``: the field
path, a colon, the rule and the bad value), mostly written out literally so that any drift in
wording or in the field path fails a test. The key rules build their text from the catalogue
(``core.messages.model``) instead, and check that the location is a ``Field``. Source folders
live under pytest's ``tmp_path``: validation resolves ``Function.source`` against the
``base_dir`` it is given, never the working directory.

Some tests pin bugs found while writing them (clashing Terraform names, unhashable values,
sibling path parameters); they failed before the fix and guard against its return.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import Deployment, Function, InvalidInput, Problem, RestApi, Route, Stack
from generator.core.errors import Field
from generator.core.messages import model as msg
from generator.features.validation import validate_deployment, validate_stacks

RUNTIMES = ("dotnet8, java11, java17, java21, java8.al2, nodejs18.x, nodejs20.x, nodejs22.x, "
            "provided.al2, provided.al2023, python3.10, python3.11, python3.12, python3.13, "
            "python3.9, ruby3.2, ruby3.3, ruby3.4")
RETENTIONS = ("1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, "
              "2557, 2922, 3288, 3653")

PATH_RULE = ("parts must be literal (letters, digits, . _ : -), {name}, or a final {name+}, "
             "with no empty part or trailing '/'")


# --- building blocks -------------------------------------------------------------------------

@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    """A stack file's folder holding ``src/`` (one file) and an ``empty/`` folder."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "empty").mkdir()
    return tmp_path


def function(**changes) -> Function:
    fields = dict(source="src", handler="app.handler", runtime="python3.12")
    fields.update(changes)
    return Function(**fields)


def deployment(**changes) -> Deployment:
    fields = dict(name="orders", function=function())
    fields.update(changes)
    return Deployment(**fields)


def stack(**changes) -> Stack:
    fields = dict(name="shop", region="us-east-1", deployments=[deployment()])
    fields.update(changes)
    return Stack(**fields)


def api(*routes: Route, stage: str = "live", **fields) -> RestApi:
    return RestApi(routes=list(routes) or [Route("GET", "/orders")], stage=stage, **fields)


def problem_list(stacks, base_dir: Path) -> list[Problem]:
    """Every problem ``validate_stacks`` reports."""
    with pytest.raises(InvalidInput) as caught:
        validate_stacks(stacks, base_dir)
    return caught.value.problems


def problems(stacks, base_dir: Path) -> list[str]:
    """Every problem ``validate_stacks`` reports, as the user reads them."""
    return [str(problem) for problem in problem_list(stacks, base_dir)]


def only_problem(base_dir: Path, **deployment_changes) -> str:
    """The one problem of stack ``shop`` holding deployment ``orders`` with these changes."""
    found = problems([stack(deployments=[deployment(**deployment_changes)])], base_dir)
    assert len(found) == 1, found
    return found[0]


# --- a valid model -----------------------------------------------------------------------------

def test_valid_model_with_every_feature_raises_nothing(base_dir):
    full = deployment(
        function=function(memory_mb=10240, timeout_s=900, log_retention_days=3653,
                          environment={"LOG_LEVEL": "INFO", "table_name": "orders"}),
        alias="live-2",
        api=api(Route("GET", "/"), Route("ANY", "/orders/{id}"), Route("POST", "/orders"),
                Route("GET", "/files/{proxy+}"), Route("GET", "/.well-known/x..y"), stage="v1",
                integration_timeout_s=900, endpoint_type="REGIONAL"))
    second = deployment(name="billing_v2", function=function(source=str(base_dir / "src")))
    assert validate_stacks([stack(deployments=[full, second]), stack(name="shop-eu", region="eu-west-1")],
                           base_dir) is None


def test_valid_model_accepts_a_tuple_of_stacks(base_dir):
    assert validate_stacks((stack(),), base_dir) is None


def test_source_is_resolved_against_base_dir_not_the_working_directory(base_dir, tmp_path_factory,
                                                                         monkeypatch):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    assert validate_stacks([stack()], base_dir) is None


def test_range_bounds_themselves_are_accepted(base_dir):
    low = deployment(name="low", function=function(memory_mb=128, timeout_s=1, log_retention_days=1))
    high = deployment(name="high", function=function(memory_mb=10240, timeout_s=900))
    assert validate_stacks([stack(deployments=[low, high])], base_dir) is None


# --- alias ---------------------------------------------------------------------------------------

def test_alias_of_only_digits_is_refused_because_it_names_a_version(base_dir):
    assert only_problem(base_dir, alias="123") == \
        "shop.orders.alias: must not be all digits (that names a version), got: '123'"


def test_alias_latest_is_refused_because_a_weighted_alias_needs_published_versions(base_dir):
    assert only_problem(base_dir, alias="$LATEST") == \
        "shop.orders.alias: must not be $LATEST: a weighted alias needs published versions, got: '$LATEST'"


@pytest.mark.parametrize("alias, shown", [
    ("live!", "'live!'"),
    ("blue green", "'blue green'"),
    ("a" * 129, "'" + "a" * 76 + "..."),  # 129 characters: over the limit; shown cut to 80
], ids=["punctuation", "space", "too-long"])
def test_alias_outside_the_lambda_charset_is_refused(base_dir, alias, shown):
    assert only_problem(base_dir, alias=alias) == \
        f"shop.orders.alias: must be 1-128 letters, digits, '-' or '_', got: {shown}"


def test_empty_alias_is_refused(base_dir):
    assert only_problem(base_dir, alias="") == \
        "shop.orders.alias: must be 1-128 letters, digits, '-' or '_', got: ''"


def test_alias_that_is_not_a_string_is_refused(base_dir):
    assert only_problem(base_dir, alias=None) == \
        "shop.orders.alias: must be 1-128 letters, digits, '-' or '_', got: None"


def test_alias_mixing_digits_and_letters_is_accepted(base_dir):
    assert validate_stacks([stack(deployments=[deployment(alias="v2-live_1")])], base_dir) is None


# --- function: memory, timeout, runtime, handler, retention ------------------------------------

def test_memory_below_128_mb_is_refused(base_dir):
    (problem,) = problem_list([stack(deployments=[deployment(function=function(memory_mb=64))])], base_dir)
    assert problem == Problem(Field("shop.orders.function.memory_mb"), msg.must_be_between(128, 10240, 64))
    assert str(problem) == f"shop.orders.function.memory_mb: {msg.must_be_between(128, 10240, 64)}"
    assert str(problem) == "shop.orders.function.memory_mb: must be between 128 and 10240, got: 64"  # the wording


def test_memory_above_10240_mb_is_refused(base_dir):
    assert only_problem(base_dir, function=function(memory_mb=10241)) == \
        "shop.orders.function.memory_mb: must be between 128 and 10240, got: 10241"


@pytest.mark.parametrize("memory, shown", [("256", "'256'"), (256.0, "256.0"), (True, "True"), (None, "None")],
                         ids=["string", "float", "bool", "none"])
def test_memory_that_is_not_a_whole_number_is_refused(base_dir, memory, shown):
    assert only_problem(base_dir, function=function(memory_mb=memory)) == \
        f"shop.orders.function.memory_mb: must be a whole number between 128 and 10240, got: {shown}"


def test_timeout_of_zero_seconds_is_refused(base_dir):
    assert only_problem(base_dir, function=function(timeout_s=0)) == \
        "shop.orders.function.timeout_s: must be between 1 and 900, got: 0"


def test_timeout_over_15_minutes_is_refused(base_dir):
    assert only_problem(base_dir, function=function(timeout_s=901)) == \
        "shop.orders.function.timeout_s: must be between 1 and 900, got: 901"


def test_timeout_given_as_float_is_refused(base_dir):
    assert only_problem(base_dir, function=function(timeout_s=2.5)) == \
        "shop.orders.function.timeout_s: must be a whole number between 1 and 900, got: 2.5"


def test_deprecated_runtime_is_refused_with_the_list_of_accepted_ones(base_dir):
    assert only_problem(base_dir, function=function(runtime="python3.8")) == \
        ("shop.orders.function.runtime: must be a Lambda runtime that accepts new functions "
         f"({RUNTIMES}), got: 'python3.8'")


def test_runtime_spelled_wrongly_is_refused(base_dir):
    assert only_problem(base_dir, function=function(runtime="Python3.12")) == \
        ("shop.orders.function.runtime: must be a Lambda runtime that accepts new functions "
         f"({RUNTIMES}), got: 'Python3.12'")


@pytest.mark.parametrize("handler", ["main", "main.", ".handler", "main.handler()", "1main.handler", ""])
def test_handler_without_module_dot_function_is_refused(base_dir, handler):
    assert only_problem(base_dir, function=function(handler=handler)) == \
        f"shop.orders.function.handler: must be module.function, such as main.handler, got: {handler!r}"


@pytest.mark.parametrize("handler", ["main.handler", "pkg.sub.main.handler", "src/app.handler", "index.handler"])
def test_handler_in_module_dot_function_form_is_accepted(base_dir, handler):
    assert validate_stacks([stack(deployments=[deployment(function=function(handler=handler))])],
                           base_dir) is None


HANDLER_129 = "handlers/" + "h" * 112 + ".handler"  # a valid module.function form, 129 characters
HANDLER_SHOWN = "'handlers/" + "h" * 67 + "..."  # cut to 80 characters by show()


@pytest.mark.parametrize("runtime, handler", [
    ("python3.12", HANDLER_129),
    ("nodejs20.x", HANDLER_129),
    ("java21", "example." + "C" * 106 + "::handleRequest"),
    ("provided.al2023", "b" * 129),
], ids=["python", "node", "java", "custom"])
def test_handler_over_128_characters_is_refused_for_every_runtime(base_dir, runtime, handler):
    # Before, only the free-form runtimes (java, dotnet, provided) had the limit.
    assert len(handler) == 129
    assert only_problem(base_dir, function=function(runtime=runtime, handler=handler)) == \
        ("shop.orders.function.handler: must be at most 128 characters (Lambda's Handler limit; "
         f"this one has 129), got: '{handler[:76]}...")


def test_python_handler_over_128_characters_names_the_limit(base_dir):
    assert only_problem(base_dir, function=function(handler=HANDLER_129)) == \
        ("shop.orders.function.handler: must be at most 128 characters (Lambda's Handler limit; "
         f"this one has 129), got: {HANDLER_SHOWN}")


def test_handler_of_exactly_128_characters_is_accepted(base_dir):
    handler = HANDLER_129[1:]
    assert len(handler) == 128
    assert validate_stacks([stack(deployments=[deployment(function=function(handler=handler))])], base_dir) is None


def test_log_retention_not_offered_by_cloudwatch_is_refused(base_dir):
    assert only_problem(base_dir, function=function(log_retention_days=10)) == \
        f"shop.orders.function.log_retention_days: must be one of {RETENTIONS}, got: 10"


def test_log_retention_true_is_refused_although_it_equals_one(base_dir):
    assert only_problem(base_dir, function=function(log_retention_days=True)) == \
        f"shop.orders.function.log_retention_days: must be one of {RETENTIONS}, got: True"


def test_function_that_is_not_a_function_is_refused(base_dir):
    assert only_problem(base_dir, function="app.handler") == \
        "shop.orders.function: must be a Function, got: 'app.handler'"


# --- function: source folder ---------------------------------------------------------------------

def test_missing_source_folder_is_refused(base_dir):
    assert only_problem(base_dir, function=function(source="missing")) == \
        "shop.orders.function.source: must be an existing folder (relative to the stack file), got: 'missing'"


def test_source_that_is_a_file_not_a_folder_is_refused(base_dir):
    assert only_problem(base_dir, function=function(source="src/app.py")) == \
        "shop.orders.function.source: must be an existing folder (relative to the stack file), got: 'src/app.py'"


def test_empty_source_folder_is_refused(base_dir):
    assert only_problem(base_dir, function=function(source="empty")) == \
        "shop.orders.function.source: must contain at least one file, got the empty folder: 'empty'"


def test_source_folder_holding_only_empty_subfolders_is_refused(base_dir):
    (base_dir / "empty" / "nested").mkdir()
    assert only_problem(base_dir, function=function(source="empty")) == \
        "shop.orders.function.source: must contain at least one file, got the empty folder: 'empty'"


def test_empty_source_string_is_refused(base_dir):
    assert only_problem(base_dir, function=function(source="")) == \
        "shop.orders.function.source: must be a folder path, got: ''"


def test_source_that_is_not_a_path_is_refused(base_dir):
    assert only_problem(base_dir, function=function(source=None)) == \
        "shop.orders.function.source: must be a folder path, got: None"


def test_source_folder_holding_only_files_the_archive_leaves_out_is_refused(base_dir):
    (base_dir / "cached" / "__pycache__").mkdir(parents=True)
    (base_dir / "cached" / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\x00")
    (base_dir / "cached" / ".DS_Store").write_bytes(b"\x00")
    assert only_problem(base_dir, function=function(source="cached")) == \
        ("shop.orders.function.source: must contain at least one file to deploy (caches such as "
         "__pycache__ and *.pyc are left out of the archive), got: 'cached'")


# --- function: environment -----------------------------------------------------------------------

@pytest.mark.parametrize("key", ["LOG-LEVEL", "1ST", "_PRIVATE", "HAS SPACE", ""])
def test_environment_key_outside_the_lambda_charset_is_refused(base_dir, key):
    assert only_problem(base_dir, function=function(environment={key: "x"})) == \
        ("shop.orders.function.environment: keys must start with a letter and hold only letters, "
         f"digits and underscores, got: {key!r}")


def test_environment_key_reserved_by_the_runtime_is_refused(base_dir):
    assert only_problem(base_dir, function=function(environment={"AWS_REGION": "eu-west-1"})) == \
        "shop.orders.function.environment.AWS_REGION: is reserved by the Lambda runtime, got: 'AWS_REGION'"


def test_environment_value_that_is_not_a_string_is_refused(base_dir):
    assert only_problem(base_dir, function=function(environment={"PORT": 8080})) == \
        "shop.orders.function.environment.PORT: must be a string, got: 8080"


def test_environment_over_4_kb_in_total_is_refused(base_dir):
    too_big = {"BIG": "x" * 4000, "MORE": "y" * 90}  # 3+4000 + 4+90 = 4097 bytes
    assert only_problem(base_dir, function=function(environment=too_big)) == \
        "shop.orders.function.environment: must total at most 4096 bytes, got: 4097"


def test_environment_of_exactly_4_kb_is_accepted(base_dir):
    exactly = {"BIG": "x" * 4093}
    assert validate_stacks([stack(deployments=[deployment(function=function(environment=exactly))])],
                           base_dir) is None


def test_environment_size_counts_utf8_bytes_not_characters(base_dir):
    # 2048 "é" are 2048 characters but 4096 bytes; with the key "E" that is 4097 bytes.
    assert only_problem(base_dir, function=function(environment={"E": "é" * 2048})) == \
        "shop.orders.function.environment: must total at most 4096 bytes, got: 4097"


def test_environment_key_that_is_not_a_string_is_reported_not_a_crash(base_dir):
    found = problems([stack(deployments=[deployment(function=function(environment={1: "x"}))])], base_dir)
    assert ("shop.orders.function.environment: keys must start with a letter and hold only letters, "
            "digits and underscores, got: 1") in found


# --- API: routes, stage ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "FETCH", ""])
def test_http_method_lower_case_or_unknown_is_refused(base_dir, method):
    assert only_problem(base_dir, api=api(Route(method, "/orders"))) == \
        ("shop.orders.api.routes[0].method: must be one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, "
         f"POST, PUT (upper case), got: {method!r}")


def test_route_path_without_leading_slash_is_refused(base_dir):
    assert only_problem(base_dir, api=api(Route("GET", "orders"))) == \
        "shop.orders.api.routes[0].path: must start with '/', got: 'orders'"


def test_route_path_that_is_not_a_string_is_refused(base_dir):
    assert only_problem(base_dir, api=api(Route("GET", None))) == \
        "shop.orders.api.routes[0].path: must start with '/', got: None"


def test_route_path_with_trailing_slash_is_refused(base_dir):
    (problem,) = problem_list([stack(deployments=[deployment(api=api(Route("GET", "/orders/")))])], base_dir)
    assert problem.where == Field("shop.orders.api.routes[0].path")
    assert str(problem) == \
        f"shop.orders.api.routes[0].path: {msg.path_parts_must_be_literal_or_parameters('/orders/')}"
    assert str(problem) == f"shop.orders.api.routes[0].path: {PATH_RULE}, got: '/orders/'"


def test_route_path_with_empty_part_is_refused(base_dir):
    assert only_problem(base_dir, api=api(Route("GET", "/orders//items"))) == \
        f"shop.orders.api.routes[0].path: {PATH_RULE}, got: '/orders//items'"


@pytest.mark.parametrize("path", ["/orders?id=1", "/or ders", "/orders/{id", "/{1id}", "/x{id}"])
def test_route_path_part_with_characters_api_gateway_refuses_is_refused(base_dir, path):
    assert only_problem(base_dir, api=api(Route("GET", path))) == \
        f"shop.orders.api.routes[0].path: {PATH_RULE}, got: {path!r}"


DOT_RULE = ("must not have a '.' or '..' part: URLs resolve them away before a request is sent, so no "
            "client could reach this route")


@pytest.mark.parametrize("path", ["/.", "/..", "/orders/../admin", "/orders/./items", "/orders/.."])
def test_route_path_with_a_dot_segment_is_refused_because_no_client_can_reach_it(base_dir, path):
    # curl, browsers and HTTP libraries send /orders/../admin as /admin (RFC 3986 5.2.4).
    assert only_problem(base_dir, api=api(Route("GET", path))) == \
        f"shop.orders.api.routes[0].path: {DOT_RULE}, got: {path!r}"


@pytest.mark.parametrize("path", ["/...", "/.well-known", "/v1.2/..x", "/a../b"])
def test_route_path_with_dots_inside_other_characters_or_three_dots_is_accepted(base_dir, path):
    # Only "." and ".." are dot-segments; "..." and "a.." reach the API as written.
    assert validate_stacks([stack(deployments=[deployment(api=api(Route("GET", path)))])], base_dir) is None


def test_greedy_proxy_part_not_at_the_end_is_refused(base_dir):
    assert only_problem(base_dir, api=api(Route("GET", "/{proxy+}/items"))) == \
        f"shop.orders.api.routes[0].path: {PATH_RULE}, got: '/{{proxy+}}/items'"


def test_bad_method_and_bad_path_of_one_route_are_both_reported(base_dir):
    found = problems([stack(deployments=[deployment(api=api(Route("get", "orders")))])], base_dir)
    assert found == [
        "shop.orders.api.routes[0].method: must be one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, "
        "POST, PUT (upper case), got: 'get'",
        "shop.orders.api.routes[0].path: must start with '/', got: 'orders'",
    ]


def test_duplicate_route_is_refused(base_dir):
    assert only_problem(base_dir, api=api(Route("GET", "/orders"), Route("POST", "/orders"),
                                          Route("GET", "/orders"))) == \
        "shop.orders.api.routes[2]: duplicate route, got: GET /orders"


def test_api_without_routes_is_refused(base_dir):
    assert only_problem(base_dir, api=RestApi(routes=[])) == \
        "shop.orders.api.routes: must hold at least one Route, got: []"


def test_route_that_is_not_a_route_is_refused(base_dir):
    assert only_problem(base_dir, api=RestApi(routes=[("GET", "/orders")])) == \
        "shop.orders.api.routes[0]: must be a Route, got: ('GET', '/orders')"


def test_api_that_is_not_a_front_door_is_refused(base_dir):
    assert only_problem(base_dir, api=Route("GET", "/orders")).startswith(
        "shop.orders.api: must be a front door (RestApi")
    assert only_problem(base_dir, api=[Route("GET", "/orders")]).endswith(
        "a list of them, or None, got: Route(method='GET', path='/orders')")


def test_a_second_door_of_one_kind_is_refused(base_dir):
    api = [RestApi(routes=[Route("GET", "/a")]), RestApi(routes=[Route("GET", "/b")])]
    assert only_problem(base_dir, api=api) == \
        "shop.orders.api[1]: " + msg.door_must_be_unique("RestApi", "shop.orders.api[0]")


def test_an_empty_list_of_doors_is_refused(base_dir):
    assert only_problem(base_dir, api=[]) == "shop.orders.api: " + msg.MUST_HOLD_A_DOOR


@pytest.mark.parametrize("stage, shown", [
    ("v 1", "'v 1'"), ("", "''"), ("v1.0", "'v1.0'"), ("a" * 129, "'" + "a" * 76 + "..."),
], ids=["space", "empty", "dot", "too-long"])
def test_stage_name_outside_the_api_gateway_charset_is_refused(base_dir, stage, shown):
    assert only_problem(base_dir, api=api(stage=stage)) == \
        f"shop.orders.api.stage: must be 1-128 letters, digits, '-' or '_', got: {shown}"


def test_sibling_path_parameters_with_different_names_are_refused(base_dir):
    assert only_problem(base_dir, api=api(Route("GET", "/orders/{id}"), Route("GET", "/orders/{order_id}"))) == \
        ("shop.orders.api.routes[1].path: {order_id} and {id} are both parameters below '/orders': "
         "API Gateway allows one per level, got: '/orders/{order_id}'")


def test_one_parameter_shared_by_several_routes_is_accepted(base_dir):
    validate_stacks([stack(deployments=[deployment(api=api(
        Route("GET", "/orders/{id}"), Route("PUT", "/orders/{id}"), Route("GET", "/orders/{id}/items")))])],
        base_dir)


# --- API: endpoint type and integration timeout -----------------------------------------------

TIMEOUT_FIX = ("lower timeout_s, or raise api.integration_timeout_s on a REGIONAL API after an API Gateway "
               "quota increase")


def test_rest_api_keeps_routes_and_stage_positional_and_defaults_to_regional_and_29_s():
    rest_api = RestApi([Route("GET", "/orders")], "v1")
    assert (rest_api.routes, rest_api.stage) == ((Route("GET", "/orders"),), "v1")
    assert (rest_api.integration_timeout_s, rest_api.endpoint_type) == (29, "REGIONAL")
    assert hash(rest_api) == hash(RestApi((Route("GET", "/orders"),), "v1", 29, "REGIONAL"))


def test_function_timeout_over_the_default_integration_timeout_is_refused(base_dir):
    assert only_problem(base_dir, function=function(timeout_s=30), api=api()) == \
        ("shop.orders.function.timeout_s: must be at most the API's integration timeout of 29 s (API Gateway "
         f"answers 504 then, while the function runs on): {TIMEOUT_FIX}, got: 30")


def test_function_timeout_over_a_lowered_integration_timeout_is_refused(base_dir):
    assert only_problem(base_dir, function=function(timeout_s=11), api=api(integration_timeout_s=10)) == \
        ("shop.orders.function.timeout_s: must be at most the API's integration timeout of 10 s (API Gateway "
         f"answers 504 then, while the function runs on): {TIMEOUT_FIX}, got: 11")


def test_function_timeout_equal_to_the_integration_timeout_is_accepted(base_dir):
    assert validate_stacks([stack(deployments=[deployment(function=function(timeout_s=29), api=api())])],
                           base_dir) is None


def test_a_long_function_timeout_without_an_api_is_accepted(base_dir):
    assert validate_stacks([stack(deployments=[deployment(function=function(timeout_s=900))])], base_dir) is None


def test_a_raised_integration_timeout_on_a_regional_api_admits_a_longer_function_timeout(base_dir):
    raised = deployment(function=function(timeout_s=120), api=api(integration_timeout_s=120))
    assert validate_stacks([stack(deployments=[raised])], base_dir) is None


def test_an_integration_timeout_over_29_s_on_an_edge_api_is_refused(base_dir):
    assert only_problem(base_dir, api=api(integration_timeout_s=60, endpoint_type="EDGE")) == \
        ("shop.orders.api.integration_timeout_s: must be at most 29 on an EDGE API: only a REGIONAL API "
         "can wait longer, after an API Gateway quota increase, got: 60")


def test_an_edge_api_with_the_default_timeout_is_accepted_in_the_commercial_partition(base_dir):
    assert validate_stacks([stack(deployments=[deployment(api=api(endpoint_type="EDGE"))])], base_dir) is None


@pytest.mark.parametrize("timeout", [0, 901, -1])
def test_integration_timeout_outside_1_to_900_seconds_is_refused(base_dir, timeout):
    assert only_problem(base_dir, api=api(integration_timeout_s=timeout)) == \
        f"shop.orders.api.integration_timeout_s: must be between 1 and 900, got: {timeout}"


@pytest.mark.parametrize("timeout, shown", [(29.5, "29.5"), ("29", "'29'"), (True, "True"), (None, "None")],
                         ids=["float", "string", "bool", "none"])
def test_integration_timeout_that_is_not_a_whole_number_is_refused(base_dir, timeout, shown):
    # The function's timeout is not compared with a value that is itself wrong.
    assert only_problem(base_dir, function=function(timeout_s=30), api=api(integration_timeout_s=timeout)) == \
        f"shop.orders.api.integration_timeout_s: must be a whole number of seconds between 1 and 900, got: {shown}"


@pytest.mark.parametrize("endpoint_type, shown", [
    ("regional", "'regional'"), ("PRIVATE", "'PRIVATE'"), ("", "''"), (None, "None"), (["EDGE"], "['EDGE']"),
], ids=["lower-case", "private", "empty", "none", "list"])
def test_endpoint_type_other_than_regional_or_edge_is_refused(base_dir, endpoint_type, shown):
    assert only_problem(base_dir, api=api(endpoint_type=endpoint_type)) == \
        f"shop.orders.api.endpoint_type: must be 'REGIONAL' or 'EDGE' (upper case), got: {shown}"


@pytest.mark.parametrize("region, partition", [
    ("us-gov-west-1", "AWS GovCloud (US)"), ("us-gov-east-1", "AWS GovCloud (US)"),
    ("cn-north-1", "AWS China"), ("cn-northwest-1", "AWS China"),
])
def test_an_edge_api_in_the_govcloud_or_china_partition_is_refused(base_dir, region, partition):
    found = problems([stack(region=region, deployments=[deployment(api=api(endpoint_type="EDGE"))])], base_dir)
    assert found == [f"shop.orders.api.endpoint_type: must be 'REGIONAL' in {region}: the {partition} partition "
                     "has no edge-optimized APIs, got: 'EDGE'"]


@pytest.mark.parametrize("region", ["us-gov-west-1", "cn-north-1"])
def test_a_regional_api_in_the_govcloud_or_china_partition_is_accepted(base_dir, region):
    assert validate_stacks([stack(region=region, deployments=[deployment(api=api())])], base_dir) is None


def test_an_edge_api_in_an_unknown_region_reports_only_the_region(base_dir):
    assert problems([stack(region="us-gov-mars-1", deployments=[deployment(api=api(endpoint_type="EDGE"))])],
                    base_dir) == ["shop.region: must be an AWS region such as us-east-1, got: 'us-gov-mars-1'"]


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(function_timeout=st.integers(1, 900), integration_timeout=st.integers(1, 900))
def test_a_function_behind_a_regional_api_passes_exactly_when_it_times_out_first(base_dir, function_timeout,
                                                                                 integration_timeout):
    candidate = deployment(function=function(timeout_s=function_timeout),
                           api=api(integration_timeout_s=integration_timeout))
    try:
        validate_stacks([stack(deployments=[candidate])], base_dir)
        passed = True
    except InvalidInput:
        passed = False
    assert passed == (function_timeout <= integration_timeout)


# --- deployment names -----------------------------------------------------------------------------

DEPLOYMENT_NAME_RULE = "must be 1-32 lower-case letters, digits and underscores, starting with a letter"


def test_deployment_name_in_upper_case_is_refused(base_dir):
    assert only_problem(base_dir, name="Orders") == \
        f"shop.Orders.name: {DEPLOYMENT_NAME_RULE}, got: 'Orders'"


def test_deployment_name_starting_with_a_digit_is_refused(base_dir):
    assert only_problem(base_dir, name="1orders") == \
        f"shop.1orders.name: {DEPLOYMENT_NAME_RULE}, got: '1orders'"


def test_deployment_name_with_a_hyphen_is_refused(base_dir):
    assert only_problem(base_dir, name="order-service") == \
        f"shop.order-service.name: {DEPLOYMENT_NAME_RULE}, got: 'order-service'"


def test_deployment_name_of_33_characters_is_refused(base_dir):
    assert only_problem(base_dir, name="o" * 33) == \
        f"shop.{'o' * 33}.name: {DEPLOYMENT_NAME_RULE}, got: '{'o' * 33}'"


def test_empty_deployment_name_is_reported_by_its_position(base_dir):
    assert only_problem(base_dir, name="") == \
        f"shop.deployments[0].name: {DEPLOYMENT_NAME_RULE}, got: ''"


def test_deployment_name_none_is_reported_by_its_position(base_dir):
    assert only_problem(base_dir, name=None) == \
        f"shop.deployments[0].name: {DEPLOYMENT_NAME_RULE}, got: None"


def test_duplicate_deployment_name_is_refused(base_dir):
    found = problems([stack(deployments=[deployment(), deployment(alias="other")])], base_dir)
    assert found == ["shop.orders.name: duplicate deployment name, got: 'orders'"]


def test_one_deployment_name_in_two_stacks_is_accepted(base_dir):
    assert validate_stacks([stack(name="shop"), stack(name="shop-eu")], base_dir) is None


def test_deployment_that_is_not_a_deployment_is_refused(base_dir):
    assert problems([stack(deployments=["orders"])], base_dir) == \
        ["shop.deployments[0]: must be a Deployment, got: 'orders'"]


def test_stack_and_deployment_names_making_the_iam_role_name_65_characters_are_refused(base_dir):
    # 32 + "-" + 27 + "-exec" = 65 > 64
    found = problems([stack(name="customer-payments-production-eu1",
                            deployments=[deployment(name="invoice_reconciliation_jobs")])], base_dir)
    assert found == [
        "customer-payments-production-eu1.invoice_reconciliation_jobs.name: makes the IAM role name "
        "'customer-payments-production-eu1-invoice_reconciliation_jobs-exec' 65 characters long, "
        "the limit is 64: shorten the stack or deployment name"]


def test_iam_role_name_of_exactly_64_characters_is_accepted(base_dir):
    assert validate_stacks([stack(name="customer-payments-production-eu1",
                                  deployments=[deployment(name="invoice_reconciliation_job")])],
                           base_dir) is None


@pytest.mark.parametrize("routes", [
    (Route("GET", "/a.b"), Route("GET", "/a_b")), (Route("GET", "/{id}"), Route("GET", "/by_id")),
    (Route("GET", "/a/b"), Route("GET", "/a-b")), (Route("GET", "/"), Route("GET", "/root")),
], ids=["dot-and-underscore", "parameter-and-literal", "nested-and-flat", "root-and-root"])
def test_routes_that_once_shared_a_terraform_name_are_accepted(base_dir, routes):
    # The API is one OpenAPI document now: routes have no Terraform addresses that could clash.
    assert validate_stacks([stack(deployments=[deployment(api=api(*routes))])], base_dir) is None


def test_aliases_never_share_a_terraform_name_across_deployments(base_dir):
    # aws_lambda_alias.<deployment>: deployment a with alias b_c and a_b with alias c are apart.
    assert validate_stacks([stack(deployments=[deployment(name="a", alias="b_c"),
                                               deployment(name="a_b", alias="c")])], base_dir) is None


def test_two_deployments_whose_stages_share_a_terraform_name_are_refused(base_dir):
    found = problem_list([stack(deployments=[deployment(name="a", api=api(stage="b_c")),
                                             deployment(name="a_b", api=api(stage="c"))])], base_dir)
    message = msg.must_not_share_a_terraform_address("aws_api_gateway_stage.a_b_c", "shop.a.api.stage", "c")
    assert found == [Problem(Field("shop.a_b.api.stage"), message)]
    assert [str(p) for p in found] == [
        "shop.a_b.api.stage: gives the Terraform address aws_api_gateway_stage.a_b_c, which "
        "shop.a.api.stage already gives: rename one of them, got: 'c'"]


# --- stack names, regions, deployments list ---------------------------------------------------

STACK_NAME_RULE = ("must be 1-32 lower-case letters, digits and hyphens, starting with a letter "
                   "and not ending with a hyphen")


@pytest.mark.parametrize("name", ["Shop", "shop_eu", "shop.eu", "1shop", "s" * 33])
def test_stack_name_outside_the_rule_is_refused(base_dir, name):
    assert problems([stack(name=name)], base_dir) == [f"{name}.name: {STACK_NAME_RULE}, got: {name!r}"]


def test_stack_name_ending_with_a_hyphen_is_refused(base_dir):
    assert problems([stack(name="shop-")], base_dir) == [f"shop-.name: {STACK_NAME_RULE}, got: 'shop-'"]


def test_empty_stack_name_is_reported_by_its_position(base_dir):
    assert problems([stack(name="")], base_dir) == [f"STACKS[0].name: {STACK_NAME_RULE}, got: ''"]


def test_single_letter_stack_name_is_accepted(base_dir):
    assert validate_stacks([stack(name="s")], base_dir) is None


def test_duplicate_stack_name_is_refused(base_dir):
    assert problems([stack(), stack(region="eu-west-1")], base_dir) == \
        ["shop.name: duplicate stack name, got: 'shop'"]


@pytest.mark.parametrize("region", ["us-est-1", "us-east-1a", "US-EAST-1", "", None])
def test_region_that_is_not_an_aws_region_is_refused(base_dir, region):
    assert problems([stack(region=region)], base_dir) == \
        [f"shop.region: must be an AWS region such as us-east-1, got: {region!r}"]


def test_stack_with_no_deployments_is_refused(base_dir):
    assert problems([stack(deployments=[])], base_dir) == \
        ["shop.deployments: must hold at least one Deployment, got: []"]


@pytest.mark.parametrize("stacks, shown", [
    (None, "None"), ([], "[]"), ((), "()"), ("shop", "'shop'"), ({"shop": 1}, "{'shop': 1}"),
], ids=["none", "empty-list", "empty-tuple", "string", "dict"])
def test_stacks_that_are_not_a_non_empty_list_are_refused(base_dir, stacks, shown):
    assert problems(stacks, base_dir) == [f"STACKS: must be a non-empty list of Stack, got: {shown}"]


def test_stacks_given_as_one_stack_instead_of_a_list_is_refused_with_a_shortened_value(base_dir):
    assert problems(stack(), base_dir) == [
        "STACKS: must be a non-empty list of Stack, got: "
        "Stack(name='shop', region='us-east-1', deployments=(Deployment(name='orders',..."]


def test_stacks_holding_something_other_than_a_stack_is_refused(base_dir):
    assert problems([stack(), "shop-eu"], base_dir) == ["STACKS[1]: must be a Stack, got: 'shop-eu'"]


@pytest.mark.parametrize("bad_stacks, message", [
    (lambda: [stack(region=["us-east-1"])],
     "shop.region: must be an AWS region such as us-east-1, got: ['us-east-1']"),
    (lambda: [stack(name=["shop"])],
     f"STACKS[0].name: {STACK_NAME_RULE}, got: ['shop']"),
    (lambda: [stack(deployments=[deployment(name=["orders"])])],
     f"shop.deployments[0].name: {DEPLOYMENT_NAME_RULE}, got: ['orders']"),
    (lambda: [stack(deployments=[deployment(function=function(runtime=["python3.12"]))])],
     f"shop.orders.function.runtime: must be a Lambda runtime that accepts new functions ({RUNTIMES}), "
     "got: ['python3.12']"),
    (lambda: [stack(deployments=[deployment(function=function(log_retention_days=[14]))])],
     f"shop.orders.function.log_retention_days: must be one of {RETENTIONS}, got: [14]"),
    (lambda: [stack(deployments=[deployment(api=api(Route(["GET"], "/orders")))])],
     "shop.orders.api.routes[0].method: must be one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, "
     "PUT (upper case), got: ['GET']"),
], ids=["region", "stack-name", "deployment-name", "runtime", "log-retention", "method"])
def test_list_where_a_single_value_belongs_is_reported_not_a_crash(base_dir, bad_stacks, message):
    assert message in problems(bad_stacks(), base_dir)


# --- all problems at once ------------------------------------------------------------------------

def test_every_problem_is_reported_at_once_in_declaration_order(base_dir):
    stacks = [
        stack(deployments=[
            deployment(name="Orders", alias="$LATEST", function=function(memory_mb=64, timeout_s=0)),
            deployment(name="billing", function=function(source="missing"),
                       api=api(Route("get", "/invoices"))),
        ]),
        stack(name="shop-eu", region="eu-west-9"),
    ]
    expected = [
        f"shop.Orders.name: {DEPLOYMENT_NAME_RULE}, got: 'Orders'",
        "shop.Orders.alias: must not be $LATEST: a weighted alias needs published versions, got: '$LATEST'",
        "shop.Orders.function.memory_mb: must be between 128 and 10240, got: 64",
        "shop.Orders.function.timeout_s: must be between 1 and 900, got: 0",
        "shop.billing.function.source: must be an existing folder (relative to the stack file), got: 'missing'",
        "shop.billing.api.routes[0].method: must be one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, "
        "PUT (upper case), got: 'get'",
        "shop-eu.region: must be an AWS region such as us-east-1, got: 'eu-west-9'",
    ]
    with pytest.raises(InvalidInput) as caught:
        validate_stacks(stacks, base_dir)
    assert [str(problem) for problem in caught.value.problems] == expected
    assert str(caught.value) == "7 problems found:\n" + "\n".join(f"  {line}" for line in expected)


def test_a_single_problem_renders_as_that_one_line(base_dir):
    with pytest.raises(InvalidInput) as caught:
        validate_stacks([stack(region="mars-1")], base_dir)
    assert caught.value.problems == [Problem(Field("shop.region"), msg.must_be_an_aws_region("mars-1"))]
    assert str(caught.value) == f"shop.region: {msg.must_be_an_aws_region('mars-1')}"
    assert str(caught.value) == "shop.region: must be an AWS region such as us-east-1, got: 'mars-1'"


# --- validate_deployment: the per-deployment entry point ---------------------------------------

def test_validate_deployment_accepts_a_valid_deployment(base_dir):
    assert validate_deployment("shop", deployment(api=api()), base_dir) is None


def test_validate_deployment_names_fields_under_the_prefix_and_deployment(base_dir):
    with pytest.raises(InvalidInput) as caught:
        validate_deployment("shop", deployment(function=function(memory_mb=64)), base_dir)
    assert str(caught.value) == "shop.orders.function.memory_mb: must be between 128 and 10240, got: 64"


def test_validate_deployment_reports_every_problem_of_the_deployment(base_dir):
    with pytest.raises(InvalidInput) as caught:
        validate_deployment("shop", deployment(alias="7", function=function(handler="main", source="empty")),
                            base_dir)
    assert str(caught.value) == (
        "3 problems found:\n"
        "  shop.orders.alias: must not be all digits (that names a version), got: '7'\n"
        "  shop.orders.function.source: must contain at least one file, got the empty folder: 'empty'\n"
        "  shop.orders.function.handler: must be module.function, such as main.handler, got: 'main'")


def test_validate_deployment_checks_the_iam_role_name_built_from_the_prefix(base_dir):
    with pytest.raises(InvalidInput) as caught:
        validate_deployment("customer-payments-production-eu1",
                            deployment(name="invoice_reconciliation_jobs"), base_dir)
    assert str(caught.value) == (
        "customer-payments-production-eu1.invoice_reconciliation_jobs.name: makes the IAM role name "
        "'customer-payments-production-eu1-invoice_reconciliation_jobs-exec' 65 characters long, "
        "the limit is 64: shorten the stack or deployment name")


def test_validate_deployment_refuses_something_that_is_not_a_deployment(base_dir):
    with pytest.raises(InvalidInput) as caught:
        validate_deployment("shop", {"name": "orders"}, base_dir)
    assert caught.value.problems == [Problem(Field("deployment"), msg.must_be_a_deployment({"name": "orders"}))]
    assert str(caught.value) == "deployment: must be a Deployment, got: {'name': 'orders'}"


def test_validate_deployment_resolves_source_against_its_base_dir(base_dir):
    with pytest.raises(InvalidInput) as caught:
        validate_deployment("shop", deployment(), base_dir / "empty")
    assert str(caught.value) == \
        "shop.orders.function.source: must be an existing folder (relative to the stack file), got: 'src'"


def test_validate_deployment_refuses_a_prefix_that_cannot_name_aws_resources(base_dir):
    with pytest.raises(InvalidInput) as raised:
        validate_deployment("Shop Prod", deployment(), base_dir)
    assert raised.value.problems == [Problem(Field("name_prefix"), msg.must_be_a_stack_name("Shop Prod"))]
    assert [str(p) for p in raised.value.problems] == [
        "name_prefix: must be 1-32 lower-case letters, digits and hyphens, starting with a letter "
        "and not ending with a hyphen, got: 'Shop Prod'"]


# --- properties ----------------------------------------------------------------------------------

# Written from AWS's rules, not imported from generator, so a drift in either is caught.
deployment_names = st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True)
aliases = st.from_regex(r"[a-zA-Z0-9_-]{1,128}", fullmatch=True).filter(lambda a: not a.isdigit())
stack_names = st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,30}[a-z0-9]", fullmatch=True),
                        st.sampled_from(string.ascii_lowercase))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=deployment_names, alias=aliases)
def test_any_valid_deployment_name_and_alias_pass(base_dir, name, alias):
    # stack "shop": the IAM role name is at most 4 + 1 + 32 + 5 = 42 characters.
    assert validate_stacks([stack(deployments=[deployment(name=name, alias=alias)])], base_dir) is None


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=stack_names)
def test_any_valid_stack_name_passes(base_dir, name):
    assert validate_stacks([stack(name=name)], base_dir) is None


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(alias=st.from_regex(r"[0-9]{1,60}", fullmatch=True))
def test_any_all_digit_alias_is_refused(base_dir, alias):
    assert problems([stack(deployments=[deployment(alias=alias)])], base_dir) == \
        [f"shop.orders.alias: must not be all digits (that names a version), got: '{alias}'"]


@pytest.mark.parametrize("runtime, handler", [
    ("java21", "example.Hello::handleRequest"),
    ("dotnet8", "Asm::Ns.Cls::Method"),
    ("provided.al2023", "bootstrap"),
])
def test_compiled_and_custom_runtimes_take_their_own_handler_forms(base_dir, runtime, handler):
    validate_stacks([stack(deployments=[deployment(function=function(runtime=runtime, handler=handler))])], base_dir)


def test_a_custom_runtime_handler_with_spaces_is_refused(base_dir):
    assert only_problem(base_dir, function=function(runtime="provided.al2023", handler="boot strap")) == \
        "shop.orders.function.handler: must be 1-128 characters without spaces, got: 'boot strap'"


@pytest.mark.parametrize("changes, message", [
    (dict(function=function(environment=None)),
     "shop.orders.function.environment: must be a dict of strings, got: None"),
    (dict(api=RestApi(routes=None)), "shop.orders.api.routes: must be a list of Route, got: None"),
], ids=["environment", "routes"])
def test_none_for_a_collection_field_is_reported_with_its_field(base_dir, changes, message):
    assert only_problem(base_dir, **changes) == message


def test_none_for_deployments_is_reported_with_its_field(base_dir):
    assert problems([Stack(name="shop", region="eu-west-1", deployments=None)], base_dir) == [
        "shop.deployments: must be a list of Deployment, got: None"]


def test_a_source_folder_holding_the_stack_file_is_refused(base_dir):
    assert only_problem(base_dir, function=function(source=".")) == \
        ("shop.orders.function.source: must not contain the stack file: keep the function's code in a "
         "folder of its own, got: '.'")


def test_an_environment_value_that_utf8_cannot_encode_is_refused(base_dir):
    # os.environ holds a byte that was not UTF-8 as a lone surrogate.
    assert only_problem(base_dir, function=function(environment={"A": "caf\udce9"})) == \
        "shop.orders.function.environment.A: must be text that UTF-8 can encode (no lone surrogates), got: 'caf\\udce9'"


def test_a_source_path_the_file_system_refuses_is_refused(base_dir):
    source = "src" * 100
    assert only_problem(base_dir, function=function(source=source)) == \
        f"shop.orders.function.source: must be a folder path that can be read (File name too long), got: {repr(source)[:77]}..."
