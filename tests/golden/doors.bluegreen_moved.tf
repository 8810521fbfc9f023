# Written by bluegreen synth; Terraform reads it together with cdk.tf.json.
# Native syntax, not JSON, so that security scanners read it (docs/security.md).

moved {
  from = aws_lambda_alias.orders_live
  to   = aws_lambda_alias.orders
}
