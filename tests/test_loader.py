"""Tests of ``generator.features.loader.load_stack_file``: every way a stack file can fail is ``InvalidInput``.

Stack files are written into pytest's ``tmp_path``. Messages hold the file's resolved path, so
the expected strings are built from it; everything else in them is literal, but for the key
messages, built from the catalogue (``core.messages.model``) with their location checked.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from generator import Deployment, Function, InvalidInput, Problem, RestApi, Route, Stack
from generator.core.errors import Argument, Field
from generator.core.messages import model as msg
from generator.features.loader import StackFile, load_stack_file

VALID = """\
from generator import Deployment, Function, RestApi, Route, Stack

STACKS = [
    Stack(
        name="shop",
        region="eu-west-1",
        deployments=[
            Deployment(
                name="orders",
                function=Function(source="src", handler="app.handler", runtime="python3.12",
                                  environment={"LOG_LEVEL": "INFO"}),
                api=RestApi(routes=[Route("GET", "/orders")], stage="v1"),
            ),
        ],
    ),
]
"""


def write(folder: Path, text: str, name: str = "stack.py", with_source: bool = True) -> Path:
    """Write a stack file (and a ``src/`` folder with one file beside it); return its resolved path."""
    folder.mkdir(parents=True, exist_ok=True)
    if with_source:
        (folder / "src").mkdir(exist_ok=True)
        (folder / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path.resolve()


def load_error(path: Path | str) -> str:
    with pytest.raises(InvalidInput) as caught:
        load_stack_file(path)
    return str(caught.value)


def load_problems(path: Path | str) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        load_stack_file(path)
    return caught.value.problems


# --- the file itself ------------------------------------------------------------------------------

def test_stack_file_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path.resolve() / "missing.py"
    assert load_problems(missing) == [Problem(Argument("STACK_FILE"), msg.stack_file_must_exist(str(missing)))]
    assert load_error(missing) == f"STACK_FILE: {msg.stack_file_must_exist(str(missing))}"
    assert load_error(missing) == f"STACK_FILE: must be an existing Python file, got: {str(missing)!r}"


def test_folder_given_as_the_stack_file_is_refused(tmp_path):
    assert load_error(tmp_path) == f"STACK_FILE: must be an existing Python file, got: '{tmp_path.resolve()}'"


def test_missing_relative_stack_file_is_reported_by_its_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_error("stacks/missing.py") == \
        f"STACK_FILE: must be an existing Python file, got: '{tmp_path.resolve() / 'stacks' / 'missing.py'}'"


# --- importing the user's code fails ----------------------------------------------------------------

def test_stack_file_with_a_syntax_error_is_refused_with_its_line_number(tmp_path):
    path = write(tmp_path, "STACKS = [\n    1,\n    def\n]\n")
    message = load_error(path)
    # The rest is Python's own wording, which varies between versions.
    assert message.startswith(f"STACK_FILE: failed to import '{path}': line 3: SyntaxError: "), message


def test_stack_file_raising_at_import_names_the_file_the_line_and_the_error(tmp_path):
    path = write(tmp_path, "x = 1\n\ny = 1 / 0\n")
    (problem,) = load_problems(path)
    assert problem.where == Argument("STACK_FILE")
    assert problem.message == msg.stack_file_failed_to_import(str(path), 3, ZeroDivisionError("division by zero"))
    assert load_error(path) == \
        f"STACK_FILE: failed to import '{path}': line 3: ZeroDivisionError: division by zero"


def test_error_raised_in_a_function_of_the_stack_file_names_the_line_that_raised(tmp_path):
    path = write(tmp_path, "def build():\n    raise ValueError('no region')\n\n\nbuild()\n")
    assert load_error(path) == f"STACK_FILE: failed to import '{path}': line 2: ValueError: no region"


def test_error_raised_inside_a_library_names_the_stack_file_line_that_called_it(tmp_path):
    path = write(tmp_path, "import json\n\nCONFIG = json.loads('')\n")
    assert load_error(path) == (f"STACK_FILE: failed to import '{path}': line 3: "
                                "JSONDecodeError: Expecting value: line 1 column 1 (char 0)")


def test_stack_file_calling_sys_exit_is_refused_instead_of_exiting(tmp_path):
    path = write(tmp_path, "import sys\nsys.exit(3)\n")
    # pytest.raises(InvalidInput) lets a SystemExit through, which would end this test as an error.
    assert load_error(path) == f"STACK_FILE: failed to import '{path}': line 2: SystemExit: 3"


def test_keyboard_interrupt_while_importing_is_not_swallowed(tmp_path):
    path = write(tmp_path, "raise KeyboardInterrupt\n")
    with pytest.raises(KeyboardInterrupt):
        load_stack_file(path)


def test_failed_import_leaves_no_half_imported_module_behind(tmp_path):
    path = write(tmp_path, "STACKS = []\nraise RuntimeError('late')\n")
    before = set(sys.modules)
    load_error(path)
    assert [name for name in set(sys.modules) - before
            if getattr(sys.modules[name], "__file__", None) == str(path)] == []


# --- what the stack file defines ---------------------------------------------------------------

def test_stack_file_without_stacks_is_refused(tmp_path):
    path = write(tmp_path, "STACK = []\n")
    assert load_problems(path) == [Problem(Argument("STACK_FILE"), msg.stack_file_must_define_stacks(str(path)))]
    assert load_error(path) == \
        f"STACK_FILE: must define STACKS (a list of Stack), got: '{path}', which does not"


def test_stack_file_with_empty_stacks_is_refused(tmp_path):
    path = write(tmp_path, "STACKS = []\n")
    assert load_problems(path) == [Problem(Field("STACKS"), msg.must_be_a_non_empty_list_of_stacks([]))]
    assert load_error(path) == f"STACKS: {msg.must_be_a_non_empty_list_of_stacks([])}"
    assert load_error(path) == "STACKS: must be a non-empty list of Stack, got: []"


def test_stack_file_with_invalid_stacks_reports_every_problem(tmp_path):
    path = write(tmp_path, VALID.replace('"eu-west-1"', '"eu-west-9"')
                                .replace('source="src"', 'source="missing", memory_mb=64'))
    with pytest.raises(InvalidInput) as caught:
        load_stack_file(path)
    assert [str(problem) for problem in caught.value.problems] == [
        "shop.region: must be an AWS region such as us-east-1, got: 'eu-west-9'",
        "shop.orders.function.source: must be an existing folder (relative to the stack file), got: 'missing'",
        "shop.orders.function.memory_mb: must be between 128 and 10240, got: 64",
    ]


def test_source_is_resolved_against_the_stack_files_folder_not_the_working_directory(tmp_path, monkeypatch):
    path = write(tmp_path / "project", VALID)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert load_stack_file(path).stacks[0].name == "shop"


# --- a valid stack file ------------------------------------------------------------------------------

def test_valid_stack_file_returns_its_stacks_and_folder(tmp_path):
    path = write(tmp_path, VALID)
    loaded = load_stack_file(path)
    assert isinstance(loaded, StackFile)
    assert loaded.path == path
    assert loaded.base_dir == tmp_path.resolve()
    assert loaded.stacks == (
        Stack(name="shop", region="eu-west-1", deployments=[Deployment(
            name="orders",
            function=Function(source="src", handler="app.handler", runtime="python3.12",
                              environment={"LOG_LEVEL": "INFO"}),
            api=RestApi(routes=[Route("GET", "/orders")], stage="v1"))]),
    )


def test_valid_stack_file_given_by_a_relative_path_is_resolved(tmp_path, monkeypatch):
    write(tmp_path / "stacks", VALID)
    monkeypatch.chdir(tmp_path)
    loaded = load_stack_file("stacks/stack.py")
    assert loaded.path == (tmp_path / "stacks" / "stack.py").resolve()
    assert loaded.base_dir == (tmp_path / "stacks").resolve()


def test_stacks_given_as_a_tuple_are_accepted(tmp_path):
    path = write(tmp_path, VALID.replace("STACKS = [", "STACKS = (").replace("\n]\n", "\n)\n"))
    assert [stack.name for stack in load_stack_file(path).stacks] == ["shop"]


def test_two_stack_files_with_the_same_name_in_different_folders_load_independently(tmp_path):
    first = write(tmp_path / "a", VALID)
    second = write(tmp_path / "b", VALID.replace('name="shop"', 'name="billing"'))
    assert load_stack_file(first).stacks[0].name == "shop"
    assert load_stack_file(second).stacks[0].name == "billing"
    assert load_stack_file(first).stacks[0].name == "shop"


def test_loading_the_same_file_again_sees_its_new_content(tmp_path):
    path = write(tmp_path, VALID)
    load_stack_file(path)
    path.write_text(VALID.replace('name="shop"', 'name="shop-v2"'))
    assert load_stack_file(path).stacks[0].name == "shop-v2"


# --- bugs ------------------------------------------------------------------------------------------

def test_stack_file_without_a_py_suffix_is_loaded_or_refused_not_a_crash(tmp_path):
    path = write(tmp_path, VALID, name="stack.txt")
    assert [stack.name for stack in load_stack_file(path).stacks] == ["shop"]


def test_none_for_a_collection_field_is_reported_by_validation_not_at_import(tmp_path):
    path = write(tmp_path, "from generator import Stack\n"
                           "STACKS = [Stack(name='shop', region='eu-west-1', deployments=None)]\n")
    assert load_error(path) == "shop.deployments: must be a list of Deployment, got: None"
