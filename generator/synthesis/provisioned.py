"""Provisioned concurrency for a weighted alias: on the versions, split by their traffic.

AWS refuses provisioned concurrency on an alias while it routes to two versions, so the warm
capacity goes on the versions themselves (docs/aws-rules.md#r26-provisioned-concurrency-per-version):
blue gets ceil(N x (1 - w)) and green ceil(N x w), each only while it has traffic. The configs
are one resource keyed by version number (``interface.provisioned_concurrency_local``), so a
version keeps its config, unchanged, when a promote turns it from green into blue.

Order: the alias depends on the configs. Terraform therefore creates or raises a version's
config before the alias sends it traffic, and deletes the config of a version that loses all
its traffic only after the alias has moved away from it. No version ever has traffic and no
config. (A version whose share shrinks is lowered in the same step, before the alias moves; its
requests beyond the new figure are served on demand until the alias catches up.)
"""

from __future__ import annotations

from cdktf import TerraformIterator, Token
from constructs import Construct

from ..bindings.provider import LambdaProvisionedConcurrencyConfig
from ..model import naming
from ..model.naming import ref
from ..model.stack import Deployment


def provisioned_concurrency(scope: Construct, deployment: Deployment) -> LambdaProvisionedConcurrencyConfig | None:
    """The per-version configs of ``deployment``, or None when it asks for none."""
    if not deployment.provisioned_concurrency:
        return None
    at = naming.Addresses(deployment)
    versions = TerraformIterator.from_map(Token.as_any_map(f"${{{at.local('provisioned_concurrency')}}}"))
    config = LambdaProvisionedConcurrencyConfig(
        scope, "provisioned_concurrency", for_each=versions,
        function_name=ref(at.function, "function_name"), qualifier=versions.key,
        provisioned_concurrent_executions=Token.as_number(versions.value))
    config.override_logical_id(naming.logical_id(at.provisioned_concurrency))
    return config
