# Written by bluegreen synth; Terraform reads it together with cdk.tf.json.
# Native syntax, not JSON, so that security scanners read it (docs/security.md).

resource "aws_lambda_alias" "reports" {
  dynamic "routing_config" {
    for_each = var.reports_green_weight > 0 && var.reports_green_weight < 1 ? (local.reports_green_version != local.reports_blue_version ? [1] : []) : []
    content {
      additional_version_weights = { (local.reports_green_version) = var.reports_green_weight }
    }
  }
}
