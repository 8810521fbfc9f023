"""What AWS allows in a Lambda target group and in the listener rule that forwards to it.

Each limit is quoted with its source in docs/aws-rules.md#r68-lambda-targets-of-an-application-load-balancer
and #r69-listener-rules-for-a-lambda-target.
"""

from __future__ import annotations

import re

# An Application Load Balancer's listener: arn:<partition>:elasticloadbalancing:<region>:<account>:
# listener/app/<load balancer name>/<id>/<id>. Groups: partition, region, account.
LISTENER_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov):elasticloadbalancing:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):"
    r"listener/app/[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?/[0-9a-f]{16}/[0-9a-f]{16}")
PRIORITY_MIN, PRIORITY_MAX = 1, 50_000  # CreateRule's Priority
CONDITION_VALUE_MAX = 128  # characters in one path pattern or host header
CONDITION_VALUES_PER_RULE = 5  # quota "Condition values per rule", not adjustable
WILDCARDS_PER_RULE = 5  # quota "Condition wildcards per rule", not adjustable
WILDCARDS = "*?"
# A path: letters, digits, _-.$/~"'@:+ and &, and the wildcards.
PATH_PATTERN = re.compile(r"[A-Za-z0-9_\-.$/~\"'@:+&*?]+")
# A host: letters, digits, -_. and the wildcards, with a "." and only letters after the last one.
HOST_HEADER = re.compile(r"[A-Za-z0-9_\-.*?]*\.[A-Za-z]+")
# A target group's name: 1-32 letters, digits and hyphens, not starting or ending with a hyphen.
TARGET_GROUP_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?")
