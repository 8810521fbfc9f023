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

# Function permissions (docs/aws-rules.md#r34-function-permissions), from IAM's "IAM JSON policy
# elements" reference and "IAM and AWS STS quotas": an action is "service:Action" (wildcards * and
# ? allowed) or "*"; a resource is an ARN (wildcards allowed) or "*"; a condition is
# {operator: {key: value or [values]}}, the operator optionally qualified ForAllValues:/ForAnyValue:
# and suffixed IfExists. All inline policies of a role together hold at most 10,240 characters
# (whitespace not counted); bluegreen keeps 1,280 of them for its own (logs, X-Ray, network
# interfaces, dead letters, the environment key: about 1,200 with the longest names). A role
# takes 10 managed policies by default, 20 at most after a quota increase. Managed policy ARNs
# are arn:<partition>:iam::<account or "aws">:policy/<path+name>.
IAM_EFFECTS = ("Allow", "Deny")
IAM_ACTION = re.compile(r"\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+")
IAM_RESOURCE = re.compile(r"\*|arn:[a-z0-9*-]+:[a-zA-Z0-9*?-]*:[a-zA-Z0-9*?-]*:[0-9*?]*:\S+")
IAM_CONDITION_OPERATOR = re.compile(r"((ForAllValues|ForAnyValue):)?[A-Za-z]+")
ROLE_INLINE_POLICIES_MAX_CHARS = 10240
BLUEGREEN_INLINE_POLICY_CHARS = 1280
MANAGED_POLICIES_MAX = 20
MANAGED_POLICIES_DEFAULT_QUOTA = 10
MANAGED_POLICY_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy/[\w+=,.@/-]{1,512}")

# VPC access (docs/aws-rules.md#r35-vpc-access, #r55-vpc-network-interface-permissions), from
# Lambda's VpcConfig: at most 16 subnets and 5 security groups; EC2 ids are the prefix and 8 or
# 17 hexadecimal digits. Lambda needs the EC2 actions of AWS's managed policy for VPC functions
# (AWSLambdaVPCAccessExecutionRole, v3); its log actions, on every log group, are left out: the
# role writes its own logs already.
VPC_SUBNETS_MAX = 16
VPC_SECURITY_GROUPS_MAX = 5
SUBNET_ID = re.compile(r"subnet-([0-9a-f]{8}|[0-9a-f]{17})")
SECURITY_GROUP_ID = re.compile(r"sg-([0-9a-f]{8}|[0-9a-f]{17})")
VPC_NETWORK_ACTIONS = ("ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
                       "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses")

# Dead-letter targets (docs/aws-rules.md#r36-dead-letter-target): Lambda's DeadLetterConfig takes
# the ARN of an SQS queue or an SNS topic; the role needs sqs:SendMessage or sns:Publish on it.
DEAD_LETTER_TARGET = re.compile(r"arn:aws(-cn|-us-gov)?:(sqs|sns):[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,256}(\.fifo)?")
DEAD_LETTER_ACTIONS = {"sqs": "sqs:SendMessage", "sns": "sns:Publish"}

# The environment's KMS key (docs/aws-rules.md#r37-environment-encryption): a key ARN.
KMS_KEY_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]{1,128}")

# Provisioned concurrency (docs/aws-rules.md#r26-provisioned-concurrency-per-version): from 1
# per version; with reserved concurrency it must fit inside it. Split by weight and rounded up
# on both sides, the two versions can hold N + 1 at once, so N must stay below the reservation.
PROVISIONED_CONCURRENCY_MIN = 1

# REST API options (docs/aws-rules.md#r39-authorization to #r44-custom-domain-names).
# Authorizers, from API Gateway's "x-amazon-apigateway-authorizer object" and CreateAuthorizer: a
# Cognito authorizer names user pools by ARN and may require OAuth scopes (RFC 6749 3.3
# scope-token characters); a Lambda authorizer is a function ARN (optionally with a version or
# alias), TOKEN reads one header, REQUEST headers, query strings, stage variables and context,
# and a decision is cached 0 (off) to 3600 s. Authorizer and API key names are bluegreen's own
# rule (1-64 letters, digits, - and _): they also name OpenAPI security schemes and Terraform
# addresses, and "sigv4" and "api_key" are the schemes bluegreen writes itself.
AUTHORIZER_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
API_KEY_NAME = AUTHORIZER_NAME
RESERVED_SCHEME_NAMES = ("sigv4", "api_key")
AUTHORIZER_TYPES = ("TOKEN", "REQUEST")
AUTHORIZER_RESULT_TTL_S_RANGE = (0, 3600)
USER_POOL_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:cognito-idp:[a-z0-9-]+:\d{12}:userpool/[a-z0-9-]+_[0-9a-zA-Z]+")
OAUTH_SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
LAMBDA_FUNCTION_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov):lambda:([a-z0-9-]+):\d{12}:function:[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?")
_HEADER_NAME = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"  # an HTTP token (RFC 9110 5.1)
TOKEN_IDENTITY_SOURCE = re.compile(rf"method\.request\.header\.{_HEADER_NAME}")
REQUEST_IDENTITY_SOURCE = re.compile(
    rf"method\.request\.(header|querystring|multivalueheader|multivaluequerystring)\.{_HEADER_NAME}"
    r"|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+")
# Usage plans (CreateUsagePlan QuotaSettings.period).
QUOTA_PERIODS = ("DAY", "WEEK", "MONTH")
# The account's CloudWatch role for API Gateway logging: an IAM role ARN (IAM identifiers), and
# the actions of AWS's managed policy for it, AmazonAPIGatewayPushToCloudWatchLogs (version v1).
IAM_ROLE_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
APIGATEWAY_CLOUDWATCH_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
                                 "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents",
                                 "logs:FilterLogEvents")
# Custom domain names (CreateDomainName, CreateBasePathMapping): a DNS name (RFC 1035 labels of
# 1-63 characters, 253 in all; API Gateway takes a "*." wildcard first label), an ACM certificate
# in the API's region (REGIONAL) or in us-east-1 (EDGE, served by CloudFront), TLS 1.2, and a
# base path of one segment of letters, digits and $-_.+!*'() (a REST API's base path mapping).
DOMAIN_NAME = re.compile(r"(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
DOMAIN_NAME_MAX = 253
ACM_CERTIFICATE_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:acm:([a-z0-9-]+):\d{12}:certificate/[0-9a-f-]{36}")
EDGE_CERTIFICATE_REGION = "us-east-1"
DOMAIN_SECURITY_POLICY = "TLS_1_2"
BASE_PATH = re.compile(r"[A-Za-z0-9$_.+!*'()-]+")
# A Route 53 hosted zone id (ResourceId, at most 32 characters): upper-case letters and digits,
# as Route 53 gives them ("Z" and then letters and digits).
HOSTED_ZONE_ID = re.compile(r"[A-Z0-9]{1,32}")

# A stage's web ACL (docs/aws-rules.md#r38-web-acls-on-a-stage), from AWS WAF's "Associating or
# disassociating a web ACL with an AWS resource" and the WAFV2 API's ARN formats: a REGIONAL
# web ACL in the API's own region (a CLOUDFRONT one, "global/webacl", protects distributions
# only), its name 1-128 letters, digits, "_" and "-", its id up to 36 hexadecimal digits and "-".
WEB_ACL_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov):wafv2:([a-z0-9-]+):\d{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[0-9a-f-]{1,36}")
# Execution logging of a stage (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role):
# the method settings' loggingLevel besides OFF (MethodSetting, API Gateway API reference).
EXECUTION_LOG_LEVELS = ("ERROR", "INFO")
