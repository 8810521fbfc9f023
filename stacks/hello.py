"""hello: one function behind a REST API, released blue/green through alias "live".

Synthesize with `bluegreen synth stacks/hello.py`. Then change the greeting in
hello_src/app.py from "Blue" to "Green", synthesize and apply again: the new code is published
as the green version, and `hello_green_weight` decides how much traffic it gets.
"""

from generator import Deployment, Function, RestApi, Route, Stack

STACKS = [
    Stack(
        name="hello",
        region="us-east-1",
        deployments=[
            Deployment(
                name="hello",
                function=Function(
                    source="hello_src",
                    handler="app.handler",
                    runtime="python3.12",
                    memory_mb=128,
                    timeout_s=5,
                    environment={"LOG_LEVEL": "INFO"},
                ),
                alias="live",
                api=RestApi(stage="v1", routes=[Route("GET", "/hello")]),
            ),
        ],
    )
]
