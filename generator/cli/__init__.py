"""The ``bluegreen`` command: ``program`` parses and dispatches, ``commands`` call the layers below."""

from .program import entry, main

__all__ = ["entry", "main"]
