"""cdktf synthesis: the only layer that imports cdktf and the AWS provider bindings.

Importing this package imports cdktf first, through ``runtime.import_cdktf``: that import
starts jsii's Node.js process, so a missing Node.js is one clear message rather than a
traceback from deep inside jsii, and jsii's banners stay quiet while the caller's environment
is left as it was (see ``runtime``). When cdktf is imported already, nothing is checked or changed.
"""

from .runtime import import_cdktf

import_cdktf()
