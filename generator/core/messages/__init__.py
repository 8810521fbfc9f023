"""The catalogue of bluegreen's message texts: every rule a ``Problem`` states, in one place.

A message is the "what" of a problem (``core.errors.Problem``); the "where" is a ``Location``.
Each message here is a small function named after the rule it states, taking the values it
shows (``model.must_be_between(128, 10240, 64)`` gives ``must be between 128 and 10240, got: 64``),
or a constant when it shows none. The functions show the values themselves (``repr``, or JSON
for the traffic file), so a call site passes what the user wrote and never formats it.

Tests build the text they expect from these same functions, so a message is worded once; the
wording is still a promise (users' scripts match it), so changing a text is a deliberate change.
A test checks that every message here is used outside the catalogue: a dead one fails.

One module per layer that states the rules:

- ``model``: the stack file and its fields (validation, the REST API, loading ``STACKS``);
- ``function``: a Function's options and access (permissions, VPC, dead letters, keys);
- ``api``: a REST API's options (authorization, API keys, throttling, access logs, the domain);
- ``archive``: the function's source folder and its code archive;
- ``traffic``: traffic values (weights, versions) and the traffic file;
- ``terraform``: the Terraform state file;
- ``synthesis``: the cdktf construct;
- ``output``: the output folder (``--out``, manifest, swap journal);
- ``bootstrap``: ``bluegreen bootstrap``, the account's API Gateway CloudWatch role;
- ``releasing``: shift, promote, the applied state, the plan summary and status notes;
- ``rollout``: a deployment's ``Rollout`` fields, ``bluegreen rollout`` and its record file;
- ``local``: the emulator's record and ``--local``;
- ``local_doors``: the emulator's front doors on loopback (their answers, the control path);
- ``local_runtime``: the emulator running a function's code (its runtimes, its error payloads);
- ``tools``: programs bluegreen runs, missing or failed (Terraform, Node.js, moto);
- ``verify``: ``bluegreen verify``, its arguments and its verdict;
- ``cli``: the command line's own arguments (``init``, ``--check``, ``--version``).

Like all of ``core``, it imports nothing from bluegreen's other packages.
"""

from . import (
           archive,
           bootstrap,
           cli,
           function,
           local,
           local_doors,
           local_runtime,
           model,
           output,
           releasing,
           synthesis,
           terraform,
           tools,
           traffic,
           verify,
)

__all__ = ["archive", "bootstrap", "cli", "function", "local", "local_doors", "local_runtime", "model", "output",
           "releasing", "synthesis", "terraform", "tools", "traffic", "verify"]
