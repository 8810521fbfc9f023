"""cdktf itself: the runtime, the AWS provider's typed bindings, and the helpers every synthesis uses.

The only package below the features that imports cdktf. A feature's synthesis (its slice's
``synthesis`` module) and the deployment's composer (``generator.synthesis``) import from here;
nothing that validates, names or reads a stack does. Importing this package imports cdktf first,
through ``runtime.import_cdktf``: that import starts jsii's Node.js process, so a missing Node.js
is one clear message rather than a traceback from deep inside jsii (see ``runtime``).
"""

from .runtime import import_cdktf

import_cdktf()
