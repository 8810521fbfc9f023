# Written by bluegreen synth; Terraform reads it together with cdk.tf.json.
# Native syntax, not JSON, so that security scanners read it (docs/security.md).

resource "aws_lambda_alias" "orders" {
  dynamic "routing_config" {
    for_each = var.orders_green_weight > 0 && var.orders_green_weight < 1 ? (local.orders_green_version != local.orders_blue_version ? [1] : []) : []
    content {
      additional_version_weights = { (local.orders_green_version) = var.orders_green_weight }
    }
  }
}
