"""The example behind two more doors: an HTTP API and a function URL, both on alias live.

The same code as hello.py (hello_src/), deployed as its own function (doors-hello); the README's
walk-through "Front doors" runs it on the emulator.
"""

from generator import Deployment, Function, FunctionUrl, HttpApi, Route, Stack

STACKS = [
    Stack(
        name="doors",
        region="us-east-1",
        deployments=[
            Deployment(
                name="hello",
                function=Function(source="hello_src", handler="app.handler", runtime="python3.12", timeout_s=5),
                alias="live",
                api=[HttpApi(routes=[Route("GET", "/hello")]), FunctionUrl(auth="AWS_IAM")],
            ),
        ],
    )
]
