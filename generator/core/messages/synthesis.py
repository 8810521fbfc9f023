"""Messages of the cdktf constructs (``synthesis``): what a library user passes to them."""

from __future__ import annotations


def must_differ_from_other_deployments(name: str) -> str:
    return f"must differ from every other deployment's in the same stack, got: {name!r}"
