"""The Terraform outputs a REST API adds to its deployment: its URL and its options' values."""

from __future__ import annotations

from ...model.naming import ref
from ..slice import Part
from .addresses import URL_OUTPUT, RestApiAddresses, api_outputs


def rest_api_outputs(part: Part) -> dict[str, tuple[str, str]]:
    """The stage's URL, the API keys' ids (never their values: docs/aws-rules.md#r40-api-keys-and-usage-plans) and
    the custom domain's DNS target (docs/aws-rules.md#r44-custom-domain-names), when the API has them."""
    api, at = part.value, RestApiAddresses(part.deployment, part.field)
    outputs = {URL_OUTPUT: ("The API stage's URL.", ref(at.stage, "invoke_url"))}
    if api.api_keys is not None:
        ids = ", ".join(f'"{key}" = {at.api_key(key)}.id' for key in api.api_keys.names)
        outputs["api_key_ids"] = ("Each API key's id, by name; read a value with aws apigateway get-api-key "
                                  "--api-key ID --include-value.", f"${{{{ {ids} }}}}")
    if api.domain is not None:
        domain = at.domain_name
        kind = "regional" if api.endpoint_type == "REGIONAL" else "cloudfront"
        outputs["domain_target"] = ("The custom domain and where its DNS alias record points.",
                                    f"${{{{ domain_name = {domain}.domain_name, target_domain_name = "
                                    f"{domain}.{kind}_domain_name, hosted_zone_id = {domain}.{kind}_zone_id }}}}")
    return {what: outputs[what] for what in [URL_OUTPUT, *api_outputs(api)]}
