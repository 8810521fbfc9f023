"""The Terraform outputs an HTTP API adds to its deployment: the stage's URL and, with a custom
domain, where to point its DNS record."""

from __future__ import annotations

from ...model.naming import ref
from ..slice import Part
from .addresses import DOMAIN_OUTPUT, URL_OUTPUT, HttpApiAddresses, output_whats


def http_api_outputs(part: Part) -> dict[str, tuple[str, str]]:
    at = HttpApiAddresses(part.deployment, part.field)
    outputs = {URL_OUTPUT: ("The HTTP API stage's URL.", ref(at.stage, "invoke_url"))}
    if part.value.domain is not None:
        domain = at.domain_name
        config = f"{domain}.domain_name_configuration[0]"
        outputs[DOMAIN_OUTPUT] = ("The HTTP API's custom domain and where its DNS alias record points.",
                                  f"${{{{ domain_name = {domain}.domain_name, target_domain_name = "
                                  f"{config}.target_domain_name, hosted_zone_id = {config}.hosted_zone_id }}}}")
    return {what: outputs[what] for what in output_whats(part.value)}
