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


# --- the README and docs/ agree with the code, and with each other ---------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CLI_PAGE = ROOT / "docs" / "cli.md"
FENCE = re.compile(r"^(`{3,})[^\n]*\n(.*?)^\1[ \t]*$", flags=re.M | re.S)
# `bluegreen WORD rest-of-command`: the rest ends where a shell or a sentence would end it.
INVOCATION = re.compile(r"(?<![\w.-])bluegreen[ \t]+(--?[a-z][\w-]*|[a-z][\w-]*)([^;&)#`\n]*)")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _commands() -> dict:
    import argparse

    from generator.cli import program

    parser = program.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {"": parser, **sub.choices}


def _options(parser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def _code_lines(text: str) -> list[str]:
    """The commands a reader is shown: shell blocks' lines (not comments), the ``$ `` lines of other
    blocks, and inline code spans that start with a command, each as one line."""
    lines = []
    for fence, body in re.findall(r"^(`{3,}[^\n]*)\n(.*?)^`{3,}[ \t]*$", text, flags=re.M | re.S):
        shell = fence.strip("`").strip() in ("sh", "bash", "shell")
        lines += [line for line in body.splitlines()
                  if line.startswith("$ ") or shell and not line.lstrip().startswith("#")]
    spans = (" ".join(span.split()) for span in re.findall(r"`([^`]+)`", FENCE.sub("", text)))
    return lines + [span for span in spans if re.match(r"(\.venv/bin/)?bluegreen ", span)]


def _anchor(heading: str) -> str:
    # GitHub's anchors: the heading in lower case, punctuation dropped, spaces as hyphens.
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def _headings(path) -> set[str]:
    return {_anchor(h) for h in re.findall(r"^#+ (.+)$", FENCE.sub("", path.read_text()), flags=re.M)}


def test_every_bluegreen_command_and_flag_the_documents_show_exists():
    commands = _commands()
    shown, unknown = 0, []
    for path in DOCS:
        for line in _code_lines(path.read_text()):
            for word, rest in INVOCATION.findall(line):
                command, rest = ("", f"{word} {rest}") if word.startswith("-") else (word, rest)
                where = f"{path.relative_to(ROOT)}: {line.strip()}"
                if command not in commands:
                    unknown.append(f"{where}: no command {command!r}")
                    continue
                shown += 1
                unknown += [f"{where}: {command or 'bluegreen'} has no {flag}"
                            for flag in FLAG.findall(rest) if flag not in _options(commands[command])]
    assert shown > 100, "the documents show hardly a command: the pattern is wrong"
    assert unknown == []


def test_every_relative_link_in_the_documents_resolves():
    broken = []
    for path in DOCS:
        for target in re.findall(r"\]\(([^)\s]+)\)", FENCE.sub("", path.read_text())):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            linked = (path.parent / file).resolve() if file else path
            if not linked.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in _headings(linked):
                broken.append(f"{path.relative_to(ROOT)}: {target}: no such heading")
    assert broken == []


def test_docs_cli_describes_each_command_as_its_help_does():
    page = " ".join(CLI_PAGE.read_text().split())
    differing = [f"bluegreen {name}: paste its description from `bluegreen {name} --help` into docs/cli.md"
                 for name, parser in _commands().items() if name
                 if f"### `bluegreen {name}`" not in page or " ".join(parser.description.split()) not in page]
    assert differing == []


def _named_commands(text: str, spans_only: bool = False) -> set[str]:
    words = (re.findall(r"`([a-z]+)[^`]*`", text) if spans_only else re.findall(r"[a-z]+", text))
    return set(words) & (set(_commands()) - {""})


def test_the_exit_statuses_in_docs_cli_are_those_of_the_help():
    from generator.cli import program

    helped = dict(re.findall(r"^  (\d+) +(.*(?:\n {7}.*)*)", program.EPILOG.split("\n\n")[0]
                             .format(**vars(program)), flags=re.M))
    documented = dict(re.findall(r"^\| (\d+) \| (.*) \|$", CLI_PAGE.read_text(), flags=re.M))
    assert set(documented) == set(helped)
    for status, text in helped.items():
        # A command the help names for a status is in the page's row, and the reverse.
        assert _named_commands(text) <= _named_commands(documented[status]), status
        assert _named_commands(documented[status], spans_only=True) <= _named_commands(text), status


def test_the_readme_quick_start_is_the_two_commands_ci_runs():
    quick = re.search(r"^## Quick start\n(.*?)^## ", (ROOT / "README.md").read_text(), flags=re.M | re.S)
    assert quick, "the README has no Quick start section"
    first_block = FENCE.search(quick.group(1)).group(2)
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == ["make synth", "make test"]
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "make test"


def test_every_readme_walk_through_starts_and_stops_its_emulator():
    # A heading inside a fenced block (say, a summary's Markdown) starts no section.
    readme = FENCE.sub(lambda block: block.group(0).replace("\n#", "\n "), (ROOT / "README.md").read_text())
    walks = re.search(r"^## Walk-throughs\n(.*?)(?=^## |\Z)", readme, flags=re.M | re.S)
    assert walks, "the README has no Walk-throughs section"
    sections = re.split(r"^### ", walks.group(1), flags=re.M)[1:]
    assert len(sections) >= 6
    # A walk-through with commands says how its emulator starts and stops (.venv/bin/ or not).
    missing = [section.splitlines()[0] for section in sections if "```" in section
               and not ("bluegreen up " in section and "bluegreen down" in section)]
    assert missing == []
