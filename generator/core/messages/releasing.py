"""Messages of releasing: shift, promote and rollback, the applied state, the plan summary, status.

Used by ``releasing.operations``, ``releasing.applied``, ``releasing.plan_summary`` and
``releasing.status``. Problems end with ``got: ...``; the plan summary's warnings and the
status notes are lines a reviewer or an operator reads, so they say what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..values import LARGEST_VERSION, shortened

# --- choosing the deployment (DEPLOYMENT) and the version (--version) ----------------------------


def must_be_a_deployment_of_the_stack_file(known: Iterable[str], got: str) -> str:
    """``known``: every deployment of the stack file as ``stack/deployment``."""
    return f"must be a deployment of the stack file ({', '.join(known)}), got: {got!r}"


def must_name_one_deployment(known: Iterable[str], got: str) -> str:
    return f"names more than one deployment, write STACK/DEPLOYMENT ({', '.join(known)}), got: {got!r}"


def must_be_a_published_version(deployment: str, newest: str, got: str) -> str:
    return f"must be a version {deployment} has published (the newest applied is {newest}), got: {got!r}"


# --- the deployment's traffic and applied state --------------------------------------------------

BLUE_MUST_BE_PINNED = ("blue is not pinned, so there is no stable version to keep serving: run promote first "
                       "to pin the version now serving")
NOTHING_TO_PROMOTE = ("no green version is getting traffic, so there is nothing to promote: shift to the new "
                      "version first, or name the version to pin with --version N")


def green_must_not_be_blue(version: str) -> str:
    return f"version {version} is already blue: publish new code (synth and apply) before shifting traffic to it"


def promoted_must_have_served(version: str, serves: str) -> str:
    """promote: the applied alias gives ``version`` no traffic (``serves``: ``v3``, ``v3 and v4``)."""
    return (f"version {version} has served no traffic: the applied alias serves {serves} only, so promoting "
            f"it would skip the canary. Apply the canary first (bluegreen synth, then terraform apply), or "
            f"pass --skip-canary to promote it without one")


def promoted_must_have_served_unknown(version: str, stack_dir: Path | str) -> str:
    """promote with blue pinned and no applied state to read (never applied, or state elsewhere)."""
    return (f"cannot tell whether version {version} has served traffic: {stack_dir} has no applied state for "
            f"this deployment, so promoting it may skip the canary. Apply the canary first, or pass "
            f"--skip-canary to promote it without one")


PROMOTED_MUST_HAVE_SERVED_MODULE = (
    "cannot tell whether the version has served traffic: this stack is synthesized only as a module "
    "(synth --module), whose applied state is the calling root module's, which bluegreen does not read. "
    "Once the canary has served in your root module, pass --skip-canary to promote it")


def promoted_must_not_be_blue(version: str) -> str:
    return f"version {version} is already blue: publish new code (synth and apply) before promoting"


def version_must_be_applied(stack_dir: Path | str) -> str:
    return (f"no version is known: {stack_dir} has no applied state for this deployment (apply first, or "
            "pass --version N)")


def version_must_be_at_most_the_largest(got: str) -> str:
    """A version read from the applied state, of more digits than a Lambda version has."""
    return f"must be at most \"{LARGEST_VERSION}\" (a Lambda version number), got: {shortened(got)}"


def must_be_a_version_number(got: object) -> str:
    """A version read from the applied state (Terraform writes them as strings: ``"3"``)."""
    return f"must be a version number such as \"3\", got: {got!r}"


# --- the plan JSON (PLAN_JSON) -------------------------------------------------------------------


def plan_must_exist(path: str) -> str:
    return f"must be an existing file, got: {path!r}"


def plan_must_not_nest_too_deeply(path: str) -> str:
    return ("must be the output of terraform show -json PLAN (its arrays and objects are nested too deeply "
            f"to read), got: {path!r}")


def must_be_a_plan(error: Exception, path: str) -> str:
    """``error``: why the file could not be read as JSON."""
    return f"must be the output of terraform show -json PLAN ({error}), got: {path!r}"


def plan_must_have_resource_changes(path: str) -> str:
    return f"must be the output of terraform show -json PLAN (no resource_changes in it), got: {path!r}"


def plan_must_be_readable(error: Exception, path: str) -> str:
    """``error``: what broke on a plan of an unexpected shape (a ``KeyError``, ...)."""
    return f"is not a plan bluegreen can read ({type(error).__name__}: {error}), got: {path!r}"


def plan_actions_must_be_words(address: object, actions: object) -> str:
    return f"the actions of {address!r} are not a list of words: {actions!r}"


# --- the plan summary's warnings -----------------------------------------------------------------

NEW_VERSION_WILL_BE_PUBLISHED = "a new version will be published"
NEW_VERSION_GETS_NO_TRAFFIC_YET = ("a new version will be published; it gets no traffic until the traffic file "
                                   "names it green")
# docs/aws-rules.md#r4-same-role-and-dead-letter-queue
ROLE_CHANGE_PREVENTS_A_CANARY = ("the execution role changes: AWS refuses weighted routing between versions "
                                 "with different roles, so this release cannot be canaried; shift all at once "
                                 "or keep the role")
DEAD_LETTER_CHANGE_PREVENTS_A_CANARY = ("the dead-letter target changes: AWS refuses weighted routing between "
                                        "versions with different dead-letter targets, so this release cannot be "
                                        "canaried; shift all at once or keep the target")
UNPINNED_BLUE_STAYS_ON_THE_FIRST_VERSION = ("blue is unpinned: the alias stays on the first version published "
                                            "until promote pins blue")


# --- status notes --------------------------------------------------------------------------------

UNPINNED_BLUE_NEEDS_PROMOTE = "blue is unpinned: run promote after the first apply to pin the version now serving"


def applied_state_not_read(problem: str) -> str:
    """``problem``: the rendered problem that stopped the state being read."""
    return f"applied state not read: {problem}"


def apply_stopped_before_the_alias(serves: str, variables: str | None) -> str:
    """``serves``: the split the alias serves (``v3 75%, v4 25%``); ``variables``: the traffic last applied."""
    return ("the last apply stopped before the alias changed: it serves "
            f"{serves}" + (f", not {variables}" if variables else ""))


def traffic_file_differs_from_applied(phase: str, described: str) -> str:
    """The traffic file says something other than what is applied."""
    return f"the traffic file says {phase}: {described}: apply to catch up"


def unpinned_blue_keeps_the_first_version(serving: str, newest: str) -> str:
    return (f"blue is unpinned: the alias stays on v{serving}, the first version published; v{newest} gets no "
            "traffic: run promote to pin blue, then shift")


# --- prune: deleting old published versions (bluegreen prune) -------------------------------------

PRUNE_KEPT_BLUE = "blue"
PRUNE_KEPT_GREEN = "green"
PRUNE_KEPT_BLUE_IN_THE_TRAFFIC_FILE = "blue in the traffic file"
PRUNE_KEPT_GREEN_IN_THE_TRAFFIC_FILE = "green in the traffic file"
PRUNE_KEPT_FIRST_VERSION = "first version (blue while unpinned)"
PRUNE_KEPT_NEWEST = "newest"
PRUNE_KEPT_PROVISIONED_CONCURRENCY = "provisioned concurrency"


def prune_kept_by_alias(alias: str) -> str:
    """The version is the alias's primary version or gets a weight of its traffic."""
    return f"alias {alias}"


def prune_kept_as_one_of_the_newest(keep: int) -> str:
    return f"one of the {keep} newest (--keep {keep})"


def prune_needs_applied_state(stack_dir: Path | str) -> str:
    return (f"nothing is pruned without the applied state: {stack_dir} has no applied state for this deployment, "
            "so its blue and green are unknown (apply first, or name the folder that has it with --out)")


def aws_credentials_missing(function: str) -> str:
    return (f"no AWS credentials found to reach Lambda function {function}: set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or use --local for the emulator)")


def aws_call_failed(operation: str, function: str, error: object) -> str:
    """``error``: what boto3 reported (the AWS error code and message, or why the call never got there)."""
    return f"AWS Lambda {operation} failed for function {function}: {error}"


def prune_stopped(function: str, version: str, error: object, deleted: list[str], freed: str) -> str:
    """A deletion failed part way; ``deleted``: the versions deleted before it; ``freed``: their size."""
    before = (f"deleted before the failure: {', '.join(f'v{v}' for v in deleted)} ({freed} freed)"
              if deleted else "nothing was deleted before it")
    return f"deleting version {version} of Lambda function {function} failed: {error}; {before}"


def alias_serves_since_the_rollout(serving: str, applied: str | None, written: bool) -> str:
    """``serving``: what the alias serves (read from Lambda); ``applied``: what the state says."""
    state = f"the applied state still says {applied}" if applied else "the applied state does not say it yet"
    then = ("the next terraform apply records it, changing nothing in AWS" if written
            else "write it with bluegreen rollout --attach before the next terraform apply, which would set it back")
    return f"the alias serves {serving} since the rollout; {state}: {then}"


def rollout_state_not_read(error: str) -> str:
    return f"the rollout's state could not be read: {error}"
