"""AWS's fixed rules and value sets that stack files are checked against before any `apply`.

Each constant cites where the rule comes from, so a reviewer can check it against AWS's docs.
Kept as plain data so validation stays pure and fast.
"""

from __future__ import annotations

import re

# Lambda runtime identifiers that accept new functions (Lambda developer guide, "Lambda
# runtimes", supported and not yet blocked for creation). Deprecated ones such as python3.8 or
# nodejs16.x are refused by CreateFunction, so refusing them here saves a failed apply.
LAMBDA_RUNTIMES = frozenset({
    "nodejs18.x", "nodejs20.x", "nodejs22.x",
    "python3.9", "python3.10", "python3.11", "python3.12", "python3.13",
    "java8.al2", "java11", "java17", "java21",
    "dotnet8",
    "ruby3.2", "ruby3.3", "ruby3.4",
    "provided.al2", "provided.al2023",
})

MEMORY_MB_RANGE = (128, 10240)  # Lambda quotas: function memory, 128 MB to 10,240 MB
TIMEOUT_S_RANGE = (1, 900)      # Lambda quotas: function timeout, up to 900 seconds

# CloudWatch Logs PutRetentionPolicy: retentionInDays must be one of these values.
LOG_RETENTION_DAYS = frozenset({
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
})

# Lambda "Defined runtime environment variables": reserved keys a function cannot set.
RESERVED_ENVIRONMENT_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})
# Lambda Environment.Variables keys: a letter first, then letters, digits and underscores.
ENVIRONMENT_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")
ENVIRONMENT_TOTAL_BYTES = 4096  # Lambda quotas: all environment variables together, 4 KB

# Lambda CreateAlias Name: pattern (?!^[0-9]+$)([a-zA-Z0-9-_]+), 1..128 characters.
ALIAS_NAME = re.compile(r"[a-zA-Z0-9_-]{1,128}")

# Lambda CreateFunction Handler: at most 128 characters, pattern [^\s]+, for every runtime.
HANDLER_MAX = 128
FUNCTION_NAME_MAX = 64  # Lambda CreateFunction FunctionName (unqualified), 64 characters
IAM_ROLE_NAME_MAX = 64  # IAM CreateRole RoleName, 64 characters

# API Gateway CreateStage stageName: letters, digits, hyphens and underscores, up to 128.
STAGE_NAME = re.compile(r"[a-zA-Z0-9_-]{1,128}")
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"})
# API Gateway resource path parts: a literal part, a {param}, or a greedy {param+} at the end.
PATH_LITERAL_PART = re.compile(r"[a-zA-Z0-9._:-]+")
PATH_PARAMETER_PART = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\+?\}")
# Not AWS but URLs: "." and ".." are the dot-segments that clients resolve away before sending
# (RFC 3986 5.2.4 remove_dot_segments; WHATWG URL "single-dot/double-dot path segment"), so
# API Gateway never receives a path holding one. "..." and longer are ordinary segments.
DOT_SEGMENTS = frozenset({".", ".."})

# REST API endpoint types we synthesize (API Gateway developer guide, "API endpoint types for REST
# APIs in API Gateway"). PRIVATE needs a VPC endpoint and a resource policy, which we don't model.
ENDPOINT_TYPES = ("REGIONAL", "EDGE")
# Partitions without edge-optimized APIs, by region prefix: "How Amazon API Gateway differs for
# AWS GovCloud (US)" (AWS GovCloud (US) User Guide) and "Amazon API Gateway - Getting Started with
# Amazon Web Services in China" both list edge-optimized APIs as not supported.
NO_EDGE_PARTITIONS = {"us-gov-": "AWS GovCloud (US)", "cn-": "AWS China"}

# API Gateway developer guide, "Quotas for configuring and running a REST API in API Gateway":
# "Maximum integration timeout", 50 milliseconds to 29 seconds; raised above 29 s only for
# Regional and private REST APIs, through a Service Quotas increase (the Integration
# timeoutInMillis reference says the same). 29 s is the default and, for an EDGE API, the most.
INTEGRATION_TIMEOUT_S_DEFAULT = 29
# Whole seconds, so the floor is 1 s rather than 50 ms. AWS publishes no ceiling for a raised
# quota; a Lambda function never runs past 900 s (TIMEOUT_S_RANGE), so waiting longer is pointless.
INTEGRATION_TIMEOUT_S_RANGE = (1, 900)

# Commercial, GovCloud and China partitions; a typo here fails only at plan time otherwise.
AWS_REGIONS = frozenset({
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-7",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1",
    "eu-south-1", "eu-south-2",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
    "sa-east-1",
    "us-gov-east-1", "us-gov-west-1",
    "cn-north-1", "cn-northwest-1",
})

# Terraform state in S3 (docs/aws-rules.md#r31-remote-state-in-s3): the bucket's name as S3 allows
# for a general purpose bucket (3-63 lower-case letters, digits, dots and hyphens, a letter or
# digit at each end, no "..", not an IP address, none of S3's reserved prefixes and suffixes);
# the key as Terraform's S3 backend allows (not empty, no leading or trailing "/", no "//");
# a DynamoDB table name as DynamoDB allows.
S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
S3_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
IPV4 = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")
S3_KEY_MAX_BYTES = 1024
DYNAMODB_TABLE = re.compile(r"[a-zA-Z0-9_.-]{3,255}")

# Function options (docs/aws-rules.md#r32-function-options), from Lambda CreateFunction and
# Lambda quotas: the instruction set architectures; at most 5 layers, each a layer version ARN
# (CreateFunction Layers pattern, 1..140 characters); reserved concurrency from 0 (throttles
# every call), with no ceiling here: the ceiling is the account's quota less 100, which only
# AWS knows (and a quota increase raises); /tmp (ephemeral
# storage) from 512 MB, Lambda's default, to 10,240 MB.
ARCHITECTURES = ("x86_64", "arm64")
ARCHITECTURE_DEFAULT = "x86_64"
LAYERS_MAX = 5
LAYER_VERSION_ARN = re.compile(r"arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9_-]+:[0-9]+")
LAYER_VERSION_ARN_MAX = 140
RESERVED_CONCURRENCY_MIN = 0
EPHEMERAL_STORAGE_MB_DEFAULT = 512
EPHEMERAL_STORAGE_MB_RANGE = (512, 10240)

# Tags (docs/aws-rules.md#r33-tags), from AWS's tagging rules: at most 50 per resource; a key of
# 1..128 characters, a value of 0..256; the prefix aws: (in any case) is reserved for AWS's own.
TAGS_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_RESERVED_PREFIX = "aws:"
