"""Every Terraform address of a deployment: its base's (``model.naming.Addresses``) and each of
its features' (their slices' ``addresses``). The clash check and the goldens' registry test read
this fold, so the address registry and synthesis never decide apart what exists.
"""

from __future__ import annotations

from ..model.naming import Address, Addresses
from ..model.stack import Deployment
from . import parts_of


def every_address(deployment: Deployment) -> list[Address]:
    """The deployment's base addresses, then each feature's, in ``parts_of``'s order."""
    found = Addresses(deployment).all()
    for feature, part in parts_of(deployment):
        found += feature.addresses(part)
    return found
