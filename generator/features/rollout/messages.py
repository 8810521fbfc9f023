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


def steps_must_be_rising_weights(got: Any) -> str:
    return (f"must be green weights, each a number or a Step(weight, bake_s), each weight above 0 and below 1 "
            f"(100% comes last by itself), rising, such as (0.1, 0.5), or () for all at once, got: {show(got)}")


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


def rollout_must_fit_the_history(most_events: int, checks: int, events: int) -> str:
    return (f"makes the longest rollout (each step's bake and hold, then the final bake) {checks} checks and "
            f"{events} history events with room for retries, more than the {most_events:,} an execution's "
            "history holds; one that fills it fails mid-rollout with the alias left at a canary weight: check "
            f"less often or bake less, got: {checks} checks")


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


def rollout_name_must_fit(name: str, most: int) -> str:
    return (f"makes the rollout's role and state machine name {name!r} ({len(name)} characters), "
            f"longer than the {most} IAM allows: shorten the stack or deployment name")


# --- per-step bakes, all at once, the history budget ----------------------------------------------


def bake_s_needed_for_bare_weights(got: Any) -> str:
    return (f"must be a whole number of seconds when a step is a bare weight (it is that step's bake); give "
            f"every step its own as Step(weight, bake_s), or set bake_s, got: {show(got)}")


def final_bake_s_needed_all_at_once(got: Any) -> str:
    return (f"must be set for steps=() (all at once) when bake_s is None: it is the only bake, the one that "
            f"judges green at 100%, got: {show(got)}")


def steps_must_fit_the_history(most_events: int, fitting: int, count: int, events: int) -> str:
    return (f"must be at most {fitting} steps with these bakes, holds and check_every_s: the longest rollout "
            f"writes {events} history events with room for retries, more than the {most_events:,} an "
            "execution's history holds, and one that fills it fails mid-rollout with the alias left at a canary "
            f"weight; use fewer steps, shorter bakes or check less often, got: {count} steps")


# --- notifications (notify_topic_arn) -------------------------------------------------------------


def must_be_a_topic_arn(got: Any) -> str:
    return (f"must be None or an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic name>, with the "
            f"region's partition, got: {show(got)}")


def topic_must_be_in(region: str, got: Any) -> str:
    return (f"must be a topic in the stack's region {region}: EventBridge delivers a rule's events only to "
            f"targets in the rule's region, got: {show(got)}")


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


REASON_NEEDS_ABORT = ("goes with --abort, --pause, --resume or --promote-now only: it is recorded as why a running "
                      "rollout was stopped or controlled")


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


# --- module callers: rollout, guard and status from a caller's root module ---

NOT_IN_THE_MODULE = "not in the module"  # guard: the outcome is written, the module's traffic.json not refreshed


def module_traffic_is_stale(traffic_file: str, module_traffic: str) -> str:
    """A caller's apply reads the module's copy of the traffic file, which ``synth --module`` refreshes."""
    return (f"the rollout's outcome is in {traffic_file} but not yet in {module_traffic}, which the caller's "
            "terraform apply reads")


def synth_the_module(command: str) -> str:
    """What carries a written outcome to a module caller's plan; ``command`` is runnable as printed."""
    return f"run {command}, then terraform plan in the root module that calls it"


# --- provisioned concurrency with rollouts ---------------------------------------------------------

def warm_must_fit_the_reservation(reserved: int, provisioned: int, worst: int, change: str) -> str:
    return (f"must be above the most provisioned concurrency the rollout holds at once: {worst} ({change}: "
            f"green is sized and READY before the weight moves and blue is lowered only after, so both hold "
            f"their share at once; AWS refuses provisioned concurrency above the reservation, and one environment "
            f"must stay on demand), got: reserved_concurrency={reserved} with provisioned_concurrency={provisioned}")


def must_be_a_warm_timeout(least: int, most: int, got: Any) -> str:
    return (f"must be a whole number of seconds from {least} to {most} (how long the rollout waits for green's "
            f"provisioned concurrency to be READY before each weight), got: {show(got)}")


def green_must_be_pinned_warm(green: str, committed: str) -> str:
    return (f"with provisioned_concurrency, the version rolled out (v{green}) must be pinned as green at weight 0 "
            f"and applied first, so that Terraform warms it and holds its configuration (bluegreen shift STACK_FILE "
            f"DEPLOYMENT 0 --version {green}, then apply); committed: {committed}")


# --- controls on a running rollout (--pause, --resume, --promote-now) --------------------------------


def paused_too_long(limit_s: int, where: str) -> str:
    """The cause a rollout paused past ``max_pause_s`` ends with (written into the definition)."""
    return f"Paused longer than max_pause_s ({limit_s} s), in {where}: rolled back."


def no_running_rollout_to_control(control: str, version: str, status: str) -> str:
    return f"no rollout of v{version} is running to {control} (the latest is {status})"


def already_paused(execution: str) -> str:
    return f"{execution} is paused already: --resume it, or --promote-now"


def not_paused(execution: str) -> str:
    return f"{execution} is not paused: nothing to resume"


def promote_now_already_given(execution: str) -> str:
    return f"{execution} was told to promote now already: it does so at its next check"


def promote_now_in_the_final_bake(execution: str) -> str:
    return (f"{execution} has promoted green already: its final bake runs to the end (--abort stops it and puts "
            "the old blue back)")


def control_taken(control: str, execution: str, by: str, within_s: int) -> str:
    return f"{control}: {execution} obeys at its next check, within {within_s} s (given by {by})"


def paused_since(when: str, by: str) -> str:
    return f"paused since {when} by {by}"


def pause_must_fit_the_history(most_events: int, most_s: int, got: int, events: int) -> str:
    return (f"must let the longest execution fit in Step Functions' {most_events:,} history events: every paused "
            f"check adds a whole check's events; with these settings at most {most_s} s fit (the longest execution "
            f"writes {events:,} events), got: {got}")


def control_given(control: Any) -> str:
    """A line of the watcher's output for a control given meanwhile (a ``record.Control``)."""
    reason = f": {control.reason}" if control.reason else ""
    return f"{control.control} given to {control.execution} by {control.by} ({control.user}) at {control.at}{reason}"


def execution_predates_controls(execution: str) -> str:
    return (f"{execution} runs a state machine applied before rollouts took controls: it would never read one; "
            "--abort it, or let it end, and apply the current synthesis first")
