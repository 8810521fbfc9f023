"""Messages of ``bluegreen bootstrap``: the account's API Gateway CloudWatch role, owned once per
account and region (docs/aws-rules.md#r51-the-account-bootstrap)."""

from __future__ import annotations


def destroy_warning(region: str) -> str:
    return (f"destroying the bootstrap of {region} deletes its role and clears the account's API Gateway "
            f"CloudWatch role in {region}: every stage there that logs (access or execution logs) stops writing "
            "logs, and AWS refuses to apply a stage with logs there until the next bootstrap")


def destroy_needs_yes(region: str) -> str:
    return f"needs --yes: {destroy_warning(region)}, got: --destroy without --yes"


def cannot_be_combined_with_local(argument: str, folder: str) -> str:
    return (f"cannot be combined with --local (the emulator's bootstrap keeps its state in {folder}), "
            f"got: {argument} --local")


def needs_state_bucket(argument: str) -> str:
    return f"needs --state-bucket (without it the state is a file in --dir), got: {argument} without --state-bucket"


def set_by_someone_else(region: str, current: str) -> str:
    return (f"the account's API Gateway CloudWatch role in {region} is set already, to {current}, and not by "
            "this bootstrap: left alone. Stacks with AccessLogs(cloudwatch_role='existing'), the default, log "
            f"through it. To have bluegreen own the setting: bluegreen bootstrap --region {region} --take-over")


def taking_over(region: str, current: str) -> str:
    return (f"taking over the account's API Gateway CloudWatch role in {region} from {current}; that role itself "
            f"is left as it is (to go back: aws apigateway update-account --region {region} --patch-operations "
            f"op=replace,path=/cloudwatchRoleArn,value={current})")


def destroy_leaves_setting(region: str, current: str) -> str:
    return (f"the account's API Gateway CloudWatch role in {region} is {current} now, not this bootstrap's: "
            "the setting is left as it is; only the bootstrap's own role goes")


def account_unreadable(region: str, detail: str) -> str:
    return (f"could not read the API Gateway account settings in {region} (apigateway:GET on /account): "
            f"{detail}")


def role_in_place(region: str, role: str) -> str:
    return (f"the account's API Gateway CloudWatch role in {region}: {role} (stacks with "
            "AccessLogs(cloudwatch_role='existing'), the default, log through it)")


def bootstrapping_emulator(region: str) -> str:
    return f"bootstrapping the emulator's account in {region}, as bluegreen bootstrap --region {region} does on AWS"


def state_is_elsewhere(region: str, current: str, folder: str) -> str:
    return (f"holds no state of the bootstrap of {region}, yet the account names its role, {current}: the "
            "bootstrap's state is where its first run kept it (give the same --dir or --state-bucket, or "
            f"copy that state here); got: {folder}")
