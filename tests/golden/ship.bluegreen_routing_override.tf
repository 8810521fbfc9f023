# Written by bluegreen synth; Terraform reads it together with cdk.tf.json.
# Native syntax, not JSON, so that security scanners read it (docs/security.md).

resource "aws_lambda_alias" "svc" {
  dynamic "routing_config" {
    for_each = var.svc_green_weight > 0 && var.svc_green_weight < 1 ? (local.svc_green_version != local.svc_blue_version ? [1] : []) : []
    content {
      additional_version_weights = { (local.svc_green_version) = var.svc_green_weight }
    }
  }
}
