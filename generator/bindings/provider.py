"""The one place that imports the prebuilt AWS provider bindings (cdktf-cdktf-provider-aws).

Every resource class the synthesis layer uses comes from here, so how the bindings are loaded
is decided in one module.

Why the package is registered by hand: the bindings' package ``__init__`` imports all of its
~2,100 submodules (about 12 s and 0.6 GB on our 2-core machines) although we use ten, and
the synthesized JSON does not depend on the others being loaded. We register the package module
without running that ``__init__``, so importing a submodule loads just that submodule and the
provider's jsii assembly. A package already imported in full (say, by a library user's own code)
is left as it is. The synth benchmark measures the effect.

Library users share this module object with us (``sys.modules`` is process-wide), so it must
behave as the real package does, only lazily. What the real ``__init__`` defines, and how the
registered module stands in for it:

- one attribute per submodule (all imported eagerly): a PEP 562 ``__getattr__`` imports a
  submodule on first access, so ``cdktf_cdktf_provider_aws.s3_bucket.S3Bucket`` works as well
  as ``from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket``; ``dir()`` lists them;
- ``__all__``, the public submodules (so ``from cdktf_cdktf_provider_aws import *`` imports
  them all, as it would): computed from the package folder on first use;
- ``__path__`` extended with ``pkgutil.extend_path``, as the real one is;
- the jsii assembly (``from ._jsii import *``): every submodule loads it itself, so nothing
  to do;
- "loading modules to ensure their types are registered with the jsii runtime": jsii must know
  the Python class of any provider object Node.js hands back. For an object whose submodule
  nobody imported yet, the jsii runtime (1.142 here; it knows lazy packages) imports the
  submodule its submodule map names. Bindings from a newer jsii-pacmak fill that map in; these
  do not, so we do (type ``@cdktf/provider-aws.s3Bucket.S3Bucket`` lives in
  ``cdktf_cdktf_provider_aws.s3_bucket``). A jsii runtime without the map is left alone;
- ``check_type``, ``TYPEGUARD_MAJOR_VERSION`` and the other private helpers stay private:
  ``publication.publish()`` hides them from the real package's module as well.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import re
import sys
from types import ModuleType
from typing import Any

PACKAGE = "cdktf_cdktf_provider_aws"
ASSEMBLY = "@cdktf/provider-aws"  # the jsii assembly the bindings load (provider-aws@20.1.0)


def _register_package_without_init() -> frozenset[str]:
    """Register the package (unless it is imported already); its submodules, listed once."""
    if PACKAGE in sys.modules:
        return _submodules(list(sys.modules[PACKAGE].__path__))
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        raise ImportError(f"{PACKAGE} is not installed: pip install cdktf-cdktf-provider-aws==20.1.0")
    # module_from_spec sets __path__ from the spec, so submodules resolve; exec_module is skipped.
    package = importlib.util.module_from_spec(spec)
    package.__path__ = pkgutil.extend_path(package.__path__, PACKAGE)
    submodules = _submodules(list(package.__path__))
    # Module-level __getattr__ and __dir__ (PEP 562), put in the module's namespace.
    vars(package).update(__getattr__=_lazy_attribute(package, submodules),
                         __dir__=lambda: sorted(set(vars(package)) | submodules))
    sys.modules[PACKAGE] = package
    _register_type_modules(submodules)
    return submodules


def _lazy_attribute(package: ModuleType, submodules: frozenset[str]):
    def __getattr__(name: str):
        if name == "__all__":
            # Kept in the module: __getattr__ only runs for names the module does not have.
            names = sorted(sub for sub in submodules if not sub.startswith("_"))
            vars(package)["__all__"] = names
            return names
        if name in submodules:
            # The import system sets the attribute too, so this runs once per submodule.
            return importlib.import_module(f"{PACKAGE}.{name}")
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")
    return __getattr__


def _submodules(path: list[str]) -> frozenset[str]:
    """The package's submodules: its folders (``_jsii`` included), about 2 ms for 2,100."""
    return frozenset(entry.name for folder in path if os.path.isdir(folder) for entry in os.scandir(folder)
                     if entry.is_dir() and entry.name.isidentifier() and not entry.name.startswith("__"))


def _register_type_modules(names: frozenset[str]) -> None:
    # jsii names a provider type <assembly>.<submodule in camelCase>.<Type>; the Python module is
    # the submodule's snake_case name. Checked against the 20.1.0 assembly: all 2,135 match. An
    # older jsii runtime has no map (and no lazy resolution) and is left alone.
    from jsii import _reference_map

    fqn_map = getattr(_reference_map, "_submodule_fqn_map", None)
    if fqn_map is not None:
        fqn_map.update({f"{ASSEMBLY}.{_camel_case(name)}": f"{PACKAGE}.{name}"
                        for name in names if not name.startswith("_")})


def _camel_case(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


_SUBMODULES = _register_package_without_init()

# The provider itself is in submodule "provider", which its class name does not spell.
from cdktf_cdktf_provider_aws.provider import AwsProvider  # after the registration above

__all__ = ["AwsProvider"]  # and, through __getattr__, every resource class of the bindings


def __getattr__(name: str) -> Any:
    """Any class of the bindings by its name (``LambdaAlias``, ``ApiGatewayRestApiEndpointConfiguration``),
    imported from its submodule on first use: ``from .provider import LambdaAlias``.

    A resource class lives in the submodule of its snake_case name, and its nested blocks in the
    same submodule under longer names, so the longest prefix that is a submodule holding the
    name finds it. No list to keep: adding a resource to synthesis needs no change here.
    """
    words = re.findall(r"[A-Z][a-z0-9]*", name)
    for end in range(len(words), 0, -1):
        submodule = "_".join(words[:end]).lower()
        if submodule in _SUBMODULES:
            module = importlib.import_module(f"{PACKAGE}.{submodule}")
            if hasattr(module, name):
                found = getattr(module, name)
                globals()[name] = found  # once per name: the next lookup is a plain attribute
                return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r} (no provider class of that name)")
