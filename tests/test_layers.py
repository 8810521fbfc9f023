"""The import graph of ``generator``: each module imports only from its own layer or the ones
below it (``generator.core.LAYERS``), and no import chain comes back to where it started."""

from __future__ import annotations

import ast
from pathlib import Path

from generator.core import LAYERS

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def _module_name(path: Path) -> str:
    parts = path.relative_to(GENERATOR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str | None = None, tree: ast.AST | None = None) -> set[str]:
    """Every ``generator`` module that ``path`` (module ``name``) imports, at the top or inside a
    function (only those in ``tree`` when given)."""
    name = name or _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree or ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            modules = [f"{target}.{alias.name}" for alias in node.names]
            found.update(m if _exists(m) else target for m in modules)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m == "generator" or m.startswith("generator.")}


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (GENERATOR / relative).with_suffix(".py").is_file() or (GENERATOR / relative / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(GENERATOR.rglob("*.py"))}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_package_of_generator_is_a_layer():
    packages = sorted(p.parent.name for p in GENERATOR.glob("*/__init__.py") if p.parent.name != "templates")
    assert packages == sorted(LAYERS)


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [f"{source} -> {target}" for source, targets in _graph().items() for target in sorted(targets)
              if _layer(source) is not None and _layer(target) is not None and _layer(target) > _layer(source)]
    assert upward == []


def test_the_import_graph_has_no_cycles():
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1 and target != "generator":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_checks_see_an_upward_import(tmp_path):
    # The checks above must be able to fail: a model module importing the CLI is caught.
    probe = tmp_path / "probe.py"
    probe.write_text("from ..cli import commands\nfrom . import naming\n")
    imports = _imports(probe, "generator.model.probe")
    assert imports == {"generator.cli.commands", "generator.model.naming"}
    assert [t for t in imports if _layer(t) > _layer("generator.model.probe")] == ["generator.cli.commands"]


def test_every_package_is_listed_for_the_wheel():
    # pyproject.toml names the packages a wheel ships; an editable install would hide one missing.
    import tomllib

    listed = set(tomllib.loads((GENERATOR.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {_module_name(p) for p in GENERATOR.rglob("__init__.py")}
    assert on_disk | {"generator.templates"} == listed


def test_synthesis_depends_on_traffic_values_never_on_the_traffic_file():
    graph = _graph()
    readers = sorted(source for source, targets in graph.items() if "generator.model.traffic_file" in targets)
    assert not [r for r in readers if r.startswith("generator.synthesis")]
    assert "generator.releasing.operations" in readers  # the check sees an import where there is one


# --- the feature slices (generator.features.<feature>) ------------------------------------------

FEATURES = GENERATOR / "features"
SLICE_MAY_IMPORT = ("generator.core", "generator.model", "generator.features.slice", "generator.features.doors")


def _slices() -> list[str]:
    return sorted(p.parent.name for p in FEATURES.glob("*/__init__.py"))


def _slice_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "features" and parts[2] in _slices() else None


def _top_level_imports(path: Path) -> set[str]:
    """What ``path`` imports when it is imported: not what its functions import when they run."""
    tree = ast.parse(path.read_text())
    top = ast.Module(body=[n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.If, ast.Try))],
                     type_ignores=[])
    return _imports(path, tree=top)


def test_a_slice_imports_only_the_shared_layers_and_itself():
    found = []
    for source, targets in _graph().items():
        mine = _slice_of(source)
        if mine is None:
            continue
        synthesis = source.rsplit(".", 1)[-1].startswith("synthesis")
        for target in sorted(targets):
            allowed = target.startswith(SLICE_MAY_IMPORT) or _slice_of(target) == mine or target == "generator" \
                or (synthesis and target.startswith("generator.bindings"))
            if not allowed:
                found.append(f"{source} -> {target}")
    assert found == []


def test_only_a_slices_synthesis_loads_cdktf_and_only_when_called():
    # Importing a slice (its declaration, rules, addresses, outputs) never starts cdktf: only its
    # synthesis modules import the bindings, and the slice imports them inside ``synthesize``.
    eager = []
    for path in sorted(FEATURES.rglob("*.py")):
        if path.stem.startswith("synthesis"):
            continue
        text = path.read_text()
        if "import cdktf" in text or "from cdktf" in text or "from constructs" in text:
            eager.append(f"{_module_name(path)} imports cdktf")
        eager += [f"{_module_name(path)} -> {t}" for t in sorted(_top_level_imports(path))
                  if t.startswith(("generator.bindings", "generator.synthesis")) or t.rsplit(".", 1)[-1].startswith("synthesis")]
    assert eager == []


def test_the_slice_checks_see_a_slice_importing_another(tmp_path):
    # The probe is read as a module of the rollout slice, from a folder of its own: never written
    # into the package, where another test could read it meanwhile.
    probe = tmp_path / "_probe.py"
    probe.write_text("from ..rest_api import addresses\n")
    bad = [t for t in _imports(probe, "generator.features.rollout._probe") if _slice_of(t) not in (None, "rollout")]
    assert bad == ["generator.features.rest_api.addresses"]
    assert _top_level_imports(FEATURES / "rest_api" / "__init__.py") >= {"generator.features.rest_api.outputs"}
    assert "generator.features.rest_api.synthesis" not in _top_level_imports(FEATURES / "rest_api" / "__init__.py")
    assert "generator.features.rest_api.synthesis" in _imports(FEATURES / "rest_api" / "__init__.py")


def test_importing_every_door_and_the_rollout_loads_no_cdktf():
    # The declarations are what a stack file imports: loading one never starts cdktf or Node.js.
    import subprocess
    import sys

    program = ("import sys; from generator import AlbTarget, FunctionUrl, HttpApi, RestApi, Rollout, Route; "
               "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'constructs', 'jsii', "
               "'cdktf_cdktf_provider_aws') or m.startswith(('generator.bindings', 'generator.synthesis'))))")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=GENERATOR.parent)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
