"""``python -m generator.cli``: the ``bluegreen`` command without its console script."""

from .program import entry

entry()
