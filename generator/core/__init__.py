"""What every layer shares and nothing else: errors and their locations, value checks, the
output layout, the template renderer. Imports nothing from bluegreen's other packages.

The layers, bottom to top (a module imports only from its own layer or the ones below):

1. ``core``: errors, values, the output layout, templating, the messages several layers share;
2. ``model``: a deployment's base as a user declares it (the stack file's classes, the traffic
   values and file), the rules it must meet, the names it gets, the function's code archive;
3. ``bindings``: cdktf itself and the AWS provider's typed bindings (importing it imports cdktf);
4. ``terraform``: running the Terraform CLI offline, reading its state;
5. ``features``: one slice per feature of a deployment (the front doors, the rollout), each
   with its declaration, rules, messages, addresses, outputs and synthesis, and the folds over
   them (validation, the address registry); a slice's synthesis is imported only to synthesize;
6. ``synthesis``: the cdktf constructs that compose a deployment from its base and its features;
7. ``output``: the output folder (all-or-nothing swap, manifest, synth cache, check);
8. ``releasing``: shift, promote, rollback, status and the plan summary;
9. ``local``: the moto emulator and ``up``;
10. ``cli``: argument parsing, printing, exit statuses.

``LAYERS`` lists them in that order; a test holds every import to it.
"""

LAYERS = ("core", "model", "bindings", "terraform", "features", "synthesis", "output", "releasing", "local", "cli")
