"""Write user text into Terraform JSON so that Terraform reads it literally.

Terraform evaluates ``${...}`` and ``%{...}`` template sequences inside every string of a
``.tf.json`` file, not only in expressions (docs/aws-rules.md#r24-terraform-json-templates). A
greeting such as ``"Hello ${name}"`` in a function's environment would fail ``terraform
validate``, and ``${path.cwd}`` would be evaluated into a machine path. Every string a user
wrote (environment values, handlers, descriptions) goes through ``literal`` on its way into
the JSON; the references bluegreen writes itself (``naming.ref``) never do.
"""

from __future__ import annotations


def literal(text: str) -> str:
    """``text`` with ``${`` written as ``$${`` and ``%{`` as ``%%{``: Terraform reads it back as is.

    Terraform's lexer reads ``$${`` as a literal ``${`` and a lone ``$`` as itself, so a string
    that already holds ``$${`` comes back unchanged too (``$$${`` reads as ``$`` then ``${``).
    """
    return text.replace("${", "$${").replace("%{", "%%{")
