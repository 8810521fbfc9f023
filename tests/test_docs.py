"""The documents the code cites exist: every citation of a rule in docs/aws-rules.md names one there."""

from __future__ import annotations

import re

from conftest import ROOT

RULES = ROOT / "docs" / "aws-rules.md"


def _anchors() -> set[str]:
    # GitHub's anchors: the heading in lower case, punctuation dropped, spaces as hyphens.
    headings = re.findall(r"^#+ (.+)$", RULES.read_text(), flags=re.M)
    return {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_rule_the_code_cites_is_in_docs_aws_rules():
    cited = {(path.relative_to(ROOT).as_posix(), anchor)
             for folder in ("generator", "templates", "tests")
             for path in (ROOT / folder).rglob("*") if path.suffix in (".py", ".j2")
             for anchor in re.findall(r"docs/aws-rules\.md#([a-z0-9-]+)", path.read_text())}
    assert cited, "the code cites no rule: the pattern is wrong"
    missing = sorted((path, anchor) for path, anchor in cited if anchor not in _anchors())
    assert missing == []
