"""Messages of a deployment's rollout: its fields (``rollout.rules``) and the
``bluegreen rollout`` command (``releasing.rollout``, ``releasing.rollout_watch``).

Each field text states the rule and ends with the value the user wrote (``got: ...``).
"""

from __future__ import annotations

from typing import Any

from ...core.values import show

# --- the Rollout's fields -------------------------------------------------------------------------


def must_be_a_rollout(got: Any) -> str:
    return f"must be a Rollout(steps, bake_s, check_every_s, max_error_rate) or None, got: {show(got)}"


def steps_must_be_rising_weights(most: int, got: Any) -> str:
    return (f"must be 1 to {most} green weights, each above 0 and below 1 (100% comes last by itself), "
            f"rising, such as (0.1, 0.5), got: {show(got)}")


def step_must_be_on_the_grid(got: Any) -> str:
    return f"must be a multiple of 0.0001 (0.01%), got: {show(got)}"


def must_be_seconds(low: int, high: int, got: Any) -> str:
    return f"must be a whole number of seconds from {low} to {high}, got: {show(got)}"


def bake_must_be_whole_checks(check_every_s: int, got: Any) -> str:
    return (f"must be a whole number of check_every_s ({check_every_s} s), so the last check ends the bake, "
            f"got: {show(got)}")


def rollout_must_end_within_a_year(most_s: int, total_s: int) -> str:
    return (f"the longest rollout (each step's bake and hold, then the final bake) must end within a year "
            f"({most_s} s), the longest a Step Functions standard execution runs, got: {total_s} s")


def rollout_must_fit_the_history(most: int, checks: int) -> str:
    return (f"must leave at most {most} checks in the longest rollout (each step's bake and hold, then the final "
            "bake, over check_every_s): an execution's history holds 25,000 events, about 23 per check, and one "
            f"that fills it fails mid-rollout with the alias left at a canary weight; check less often or bake "
            f"less, got: {checks} checks")


def bake_must_outlast_metrics(field: str, delay_s: Any, timeout_s: Any, got: Any) -> str:
    return (f"must be at least metric_delay_s ({show(delay_s)} s) plus the function's timeout_s ({show(timeout_s)} "
            "s): CloudWatch counts an invocation up to metric_delay_s after it ends, so a shorter bake is judged "
            f"before its own errors are counted; lengthen {field} or shorten the others, got: {show(got)}")


def metric_delay_is_for_the_emulator(least: int, got: Any) -> str:
    return (f"must be at least {least} for AWS, where Lambda's metrics reach CloudWatch minutes late; a smaller "
            "value is for the local emulator only (bluegreen up --local and the other --local commands), where "
            f"metrics count at once, got: {show(got)}")


def must_be_an_invocation_count(most: int, got: Any) -> str:
    return (f"must be a whole number of invocations from 0 to {most} (0, only when written, lets a step pass "
            f"with no traffic), got: {show(got)}")


def must_be_seconds_or_none(low: int, high: int, got: Any) -> str:
    return f"must be None or a whole number of seconds from {low} to {high}, got: {show(got)}"


def must_be_whole_checks(field: str, check_every_s: int, got: Any) -> str:
    return f"must be a whole number of check_every_s ({check_every_s} s), like {field}, got: {show(got)}"


def must_be_a_rate(got: Any) -> str:
    return f"must be a number above 0 and below 1, such as 0.01 for 1%, got: {show(got)}"


def must_be_milliseconds(high: int, got: Any) -> str:
    return f"must be None or a whole number of milliseconds from 1 to {high}, got: {show(got)}"


def must_be_alarm_names(most: int, got: Any) -> str:
    return (f"must be a list of distinct CloudWatch alarm names (1 to 255 characters each), at most {most} "
            f"with the rollout's own alarms, got: {show(got)}")


def smoke_event_must_be_json(most: int, got: Any) -> str:
    return (f"must be None or a JSON object (dict with str keys, none ending in '.$', which Step Functions reads "
            f"as a path) of at most {most} bytes, got: {show(got)}")


def rollout_excludes_provisioned_concurrency(got: Any) -> str:
    return ("can't be used with provisioned_concurrency: its split follows the committed weight, which stays 0 "
            "while a rollout moves the alias, so green would take traffic cold; remove one of the two, "
            f"got: provisioned_concurrency={show(got)}")


def rollout_name_must_fit(name: str, most: int) -> str:
    return (f"makes the rollout's role and state machine name {name!r} ({len(name)} characters), "
            f"longer than the {most} IAM allows: shorten the stack or deployment name")


# --- the rollout record file ----------------------------------------------------------------------


def record_must_be_json(error: Exception) -> str:
    return f"must be the JSON bluegreen rollout writes: {error}"


RECORD_MUST_NOT_NEST = "must be the JSON bluegreen rollout writes, not nested this deeply"


def record_must_have_the_shape(keys: list[str]) -> str:
    return f"must map each deployment to an object with exactly the keys {', '.join(keys)}"


# --- bluegreen rollout ------------------------------------------------------------------------------


def deployment_has_no_rollout(deployment: str) -> str:
    return (f"deployment {deployment} has no rollout: give it Deployment(rollout=Rollout(...)) in the stack file, "
            "synthesize and apply")


def rollout_must_be_applied(stack_dir: str) -> str:
    return (f"the rollout is not applied: {stack_dir} has no Terraform state with this deployment's alias, newest "
            "version and rollout state machine (synthesize, then terraform apply)")


def committed_weight_must_be_zero(committed: str) -> str:
    return (f"the traffic file must have green weight 0 before a rollout (the rollout sets the weights itself), "
            f"got: {committed}; run bluegreen rollback first")


def nothing_to_roll_out(version: str) -> str:
    return (f"nothing to roll out: the newest applied version, v{version}, is blue already; publish a new version "
            "(change the code or configuration, synthesize, terraform apply) first")


def alias_must_serve_blue(blue: str, served: str) -> str:
    return (f"the applied alias must serve blue v{blue} alone, as the traffic file says, got: {served}; run "
            "terraform apply first")


def aws_call_failed(operation: str, rollout: str, error: object) -> str:
    return f"AWS {operation} failed for the rollout of {rollout}: {error}"


def aws_credentials_missing(rollout: str) -> str:
    return (f"no AWS credentials found to reach the rollout of {rollout}: set AWS_PROFILE or AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY (or use --local for the emulator)")


def no_rollout_to_attach(version: str) -> str:
    return f"no rollout of v{version} was started: run bluegreen rollout without --attach to start one"


def no_running_rollout(version: str, status: str) -> str:
    return f"no rollout of v{version} is running to abort (the latest is {status})"


REASON_NEEDS_ABORT = "goes with --abort only: it is recorded as the reason a running rollout was stopped"


def gate_alarms_must_exist(missing: list[str]) -> str:
    return (f"every alarm that gates the rollout must exist in CloudWatch, or it could never stop it; missing: "
            f"{', '.join(missing)} (create it, or remove it from gate_alarms)")


def alarms_must_not_be_firing(firing: list[str]) -> str:
    return (f"no alarm that gates the rollout may be in ALARM when it starts (green would take traffic, then be "
            f"rolled back at the first check); in ALARM: {', '.join(firing)}")


# --- bluegreen guard (and up --local, which runs the same check) -----------------------------------

WAIT_OR_ABORT = "wait for it (bluegreen rollout --attach) or stop it (--abort)"
ATTACH_AND_COMMIT = "run bluegreen rollout --attach and commit what it writes"


def rollouts_block_apply(count: int) -> str:
    return f"{count} rollout(s) block terraform apply: it would set their aliases back"
