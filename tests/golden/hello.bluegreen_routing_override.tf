# Written by bluegreen synth; Terraform reads it together with cdk.tf.json.
# Native syntax, not JSON, so that security scanners read it (docs/security.md).

resource "aws_lambda_alias" "hello" {
  dynamic "routing_config" {
    for_each = var.hello_green_weight > 0 && var.hello_green_weight < 1 ? (local.hello_green_version != local.hello_blue_version ? [1] : []) : []
    content {
      additional_version_weights = { (local.hello_green_version) = var.hello_green_weight }
    }
  }
}
