"""cdktf synthesis: the only layer that imports cdktf and the AWS provider bindings.

Importing this package checks for Node.js first (jsii needs it), so a missing Node.js is one
clear message rather than a traceback from deep inside jsii.
"""

from .runtime import prepare_jsii

prepare_jsii()
