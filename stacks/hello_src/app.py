"""The example service: answers GET /hello through API Gateway's Lambda proxy integration."""

import json
import os

MESSAGE = "Hello From Blue Deployment"


def handler(event, context):
    version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "unknown")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": MESSAGE, "version": version}),
    }
