"""What every layer shares and nothing else: errors and their locations, value checks, the
output layout, the template renderer. Imports nothing from bluegreen's other packages.

The layers, bottom to top (a module imports only from its own layer or the ones below):

1. ``core``: errors, values, the output layout, templating;
2. ``model``: what a user declares (the stack file's classes, the traffic values and file),
   the rules it must meet, the names it gets, the function's code archive;
3. ``terraform``: running the Terraform CLI offline, reading its state;
4. ``synthesis``: the cdktf constructs (the only layer that imports cdktf);
5. ``output``: the output folder (all-or-nothing swap, manifest, synth cache, check);
6. ``releasing``: shift, promote, rollback, status and the plan summary;
7. ``local``: the moto emulator and ``up``;
8. ``cli``: argument parsing, printing, exit statuses.

``LAYERS`` lists them in that order; a test holds every import to it.
"""

LAYERS = ("core", "model", "terraform", "synthesis", "output", "releasing", "local", "cli")
