"""What one deployment has applied: the versions the alias serves, the newest published version,
and the traffic variables behind them, from the stack folder's state (or a caller's, for a stack
called as a child module, whose outputs that state does not hold: the alias alone says it then).

The alias resource in state is the truth about what is served. The ``<name>_applied_traffic``
output says which traffic variables produced it, but Terraform writes outputs even when an
apply stops part way (a precondition that refused the alias after the function had published a
new version), so the output is trusted only when it would serve exactly what the alias serves;
otherwise the traffic is read off the alias and the mismatch is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import InFile, InvalidInput, Problem
from ..core.messages import releasing as msg
from ..model import naming
from ..model.stack import Deployment
from ..model.traffic import Traffic, format_weight, is_too_large, is_version
from ..terraform.state import AppliedState


@dataclass(frozen=True)
class Applied:
    traffic: Traffic                 # the traffic the alias serves (phases come from it)
    serving_blue: str | None         # the blue version served (the first one while unpinned)
    newest_version: str | None       # the newest version the function has published
    alias_arn: str | None
    stopped: str | None = None       # why the applied variables were not what the alias serves
    served: tuple[str, ...] = ()     # every version the alias gives traffic to, its primary first


def applied(deployment: Deployment, state: AppliedState) -> Applied | None:
    """``None`` when the state holds no alias for ``deployment`` (nothing applied yet)."""
    at = naming.Addresses(deployment)
    alias = state.resources.get(at.alias)
    if alias is None or not isinstance(alias.get("function_version"), str):
        return None
    primary: str = alias["function_version"]
    weights = _weights(alias)
    function = state.resources.get(at.function) or {}
    first = _dynamic((state.resources.get(at.first_version) or {}).get("output"))
    variables = _traffic(state.outputs.get(naming.output_name(deployment, "applied_traffic")))
    newest = _version(function.get("version"), f"{at.function}.version")
    if variables is not None and serves(variables, _text(first)) == (primary, weights):
        traffic, stopped = variables, None
    else:
        traffic = _read_off(primary, weights, variables)
        # A child module's outputs are not in its caller's state: nothing to compare the alias with.
        stopped = None if state.module is not None else msg.apply_stopped_before_the_alias(
            _split(primary, weights), variables.describe() if variables else None)
    serving_blue = traffic.blue_version if traffic.blue_version else _text(first)
    return Applied(traffic, serving_blue, newest, _text(alias.get("arn")), stopped, (primary, *sorted(weights)))


def serves(traffic: Traffic, first: str | None) -> tuple[str | None, dict[str, float]]:
    """The alias's primary version and weights that ``traffic`` produces (see ``synthesis.interface``)."""
    blue = traffic.blue_version or first
    green = traffic.green_version or blue
    if traffic.green_weight == 1:
        return green, {}
    if 0 < traffic.green_weight < 1 and green != blue and green is not None:
        return blue, {green: traffic.green_weight}
    return blue, {}


def _read_off(primary: str, weights: dict[str, float], variables: Traffic | None) -> Traffic:
    if weights:
        (green, weight), = weights.items()
        return Traffic(primary, green, weight)
    pinned = variables.blue_version if variables else primary
    return Traffic(primary if pinned else None, None, 0)


def _dynamic(value: object) -> object:
    # terraform_data keeps its input and output as dynamic values: {"value": ..., "type": ...}.
    return value.get("value") if isinstance(value, dict) else value


def _weights(alias: dict) -> dict[str, float]:
    weights: dict[str, float] = {}
    for block in alias.get("routing_config") or []:
        if isinstance(block, dict):
            weights.update({str(k): float(v) for k, v in (block.get("additional_version_weights") or {}).items()})
    return weights


def _traffic(value: object) -> Traffic | None:
    # Written by the applied_traffic output; anything else (an older output layout) reads as unknown.
    if not isinstance(value, dict):
        return None
    weight = value.get("green_weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        return None
    return Traffic(_text(value.get("blue_version")), _text(value.get("green_version")), weight + 0)


def _split(primary: str, weights: dict[str, float]) -> str:
    shares = {primary: 1 - sum(weights.values()), **weights}
    return ", ".join(f"v{version} {format_weight(round(share * 100, 2))}%" for version, share in shares.items())


def _version(value: object, attribute: str) -> str | None:
    # The state file's path is the caller's to know: here it is named by what it is.
    return None if value is None else checked_version(value, InFile("Terraform state", attribute))


def checked_version(value: object, where: InFile) -> str:
    """``value`` when it is a version number that fits (``model.traffic.is_version``); else
    ``InvalidInput`` at ``where``, saying whether it is too large or not a number at all."""
    if is_too_large(value):
        raise InvalidInput(Problem(where, msg.version_must_be_at_most_the_largest(value)))
    if not is_version(value):
        raise InvalidInput(Problem(where, msg.must_be_a_version_number(value)))
    return value


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
