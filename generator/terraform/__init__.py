"""The Terraform CLI, run offline against a local provider mirror, and the state it leaves."""
