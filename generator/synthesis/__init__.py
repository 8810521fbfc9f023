"""cdktf synthesis: the deployment composed from its base and its features, as Terraform JSON.

How Terraform is written here; every module of this package follows these rules:

1. **Provider resources go through the typed bindings** (``provider``: ``LambdaFunction``,
   ``LambdaAlias``, ``ApiGatewayRestApi``...). The bindings carry the provider's schema, so a
   misspelt attribute or a wrong type fails at synth, not at ``terraform plan`` on someone's
   machine. Each resource's address comes from the registry: ``override_logical_id(
   naming.logical_id(address))`` with ``address`` from ``naming.Addresses``, never an f-string.
2. **References are text from the registry**: ``naming.ref(address, attribute)`` gives
   ``${aws_lambda_alias.hello.arn}``. A typed token (``alias.arn``) would cost a round trip to
   jsii's Node.js process and would tie the reference to a construct path; the registry already
   knows the address, and references stay readable in the Python.
3. **Expressions are ``${...}`` strings**, built next to the rule they implement and citing it
   (conditionals, ``sha256(...)``, ``tonumber(...)``). **User text is always ``terraform_text.
   literal``**, so Terraform never evaluates a ``${`` a user wrote.
4. **Terraform's own blocks are plain JSON** added with ``add_override``: variables, locals and
   outputs (``interface``), ``moved`` blocks, and ``terraform_data``. They have no provider schema
   to check; as dicts they cost no jsii round trips, and the traffic interface is data that
   ``naming`` and the README share. ``None`` goes through ``deployment._keep_nulls`` (jsii
   turns it into "absent", and a variable's default must be a literal null).
5. **Overrides only for what a binding cannot say**: a ``dynamic`` block (the alias's
   ``routing_config``), or a whole block that several constructs contribute to. Each override
   names why in a comment.
6. **Native syntax only where scanners cannot read the JSON**: bluegreen's own synth writes the
   ``moved`` blocks and the alias's dynamic ``routing_config`` beside ``cdk.tf.json`` in two
   ``.tf`` files instead (``native_files``), from the same expressions; a library user's app keeps
   them in its JSON.

Adding a kind of resource to a deployment's base is therefore one address in ``naming.Addresses``
and one typed resource in the synthesis module it belongs to; a feature's resources are its
slice's (``generator.features.<feature>``: its ``addresses`` and its ``synthesis``), which keep
the same rules.

Importing this package imports cdktf first, through ``runtime.import_cdktf``: that import
starts jsii's Node.js process, so a missing Node.js is one clear message rather than a
traceback from deep inside jsii, and jsii's banners stay quiet while the caller's environment
is left as it was (see ``runtime``). When cdktf is imported already, nothing is checked or changed.
"""

from .. import bindings  # noqa: F401  (imports cdktf first; see ``bindings.runtime``)
