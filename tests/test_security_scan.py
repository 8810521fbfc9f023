"""The security scan: checkov on the Terraform JSON that bluegreen synthesizes (docs/security.md).

The example and stacks that use every option are synthesized, and checkov (the version pinned in
pyproject.toml's ``test`` extra) scans the stack folders as synthesis wrote them, offline: once
with the repository's ``.checkov.yaml``, as CI and users run it, where nothing may fail; once
without its skip list, to see what each skip hides; and once with checkov's defaults (every
framework), as a team's pipeline runs it on ``cdktf.out/stacks/<stack>``, over every stack
fixture and a child module, where every file must parse. Together with docs/security.md this
keeps the skip list honest:

- every failed check is named with its stack and Terraform address;
- every skip has a section in docs/security.md with a reason, and every section a skip;
- a skip that no longer fails on any stack is reported, so the list cannot rot;
- a skip that a model field turns on must pass on the ``hardened`` stack, which sets those fields;
- checks listed under "Waiting for a synthesis change" in docs/security.md are expected to fail
  (shown as xfail) until synthesis satisfies them, and are reported as soon as they pass.

Adding a stack to the scan is one line in ``STACK_FILES``. Where checkov is not installed a
developer's run skips these tests; under CI (``CI=true``) they fail instead.

Also a command, to scan your own stack file the same way:
``.venv/bin/python tests/test_security_scan.py path/to/stack.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, FIXTURES, ROOT, synth_to

from generator.core import layout

CONFIG = ROOT / ".checkov.yaml"
DOC = ROOT / "docs" / "security.md"
CHECKOV = Path(sys.executable).parent / "checkov"

# The stacks scanned, by the folder name their Terraform JSON is scanned under.
STACK_FILES = {
    "hello": EXAMPLE,
    "options": FIXTURES / "options" / "options.py",
    "gateway": FIXTURES / "gateway" / "gateway.py",
    "hardened": FIXTURES / "hardened" / "hardened.py",
    "rollout": FIXTURES / "rollout" / "rollout.py",
}
HARDENED = "hardened"

# Resource types whose checks must have run: if checkov stops reading our JSON, this fails.
SCANNED_TYPES = {"aws_lambda_function", "aws_lambda_permission", "aws_iam_role", "aws_iam_role_policy",
                 "aws_cloudwatch_log_group", "aws_api_gateway_rest_api", "aws_api_gateway_deployment",
                 "aws_api_gateway_stage"}

# Nothing may reach the network: no Prisma Cloud metadata, no PyPI version check. A proxy on a
# closed loopback port makes any attempt fail at once instead of hanging on a machine without access.
OFFLINE = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE",
           "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
           "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9", "no_proxy": "",
           "LOG_LEVEL": "WARNING"}
# What checkov logs when it drops part of a file; the scan would then silently check less.
DROPPED = ("Failed to parse", "Failed to add block", "Exception traceback")


# --- the scan ------------------------------------------------------------------------------------


def _addresses_by_line(text: str) -> dict[int, str]:
    """The Terraform address of each resource by the line its body opens on (1-based).

    cdktf writes two-space JSON, so a resource's name sits at six spaces under its type at four,
    under ``"resource"`` at two; checkov's line range starts at the name.
    """
    found: dict[int, str] = {}
    block = kind = ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r'^( +)"([^"]+)": \{$', line)
        if not match:
            continue
        depth, key = len(match.group(1)), match.group(2)
        if depth == 2:
            block = key
        elif depth == 4 and block == "resource":
            kind = key
        elif depth == 6 and block == "resource":
            found[number] = f"{kind}.{key}"
    return found


@dataclass(frozen=True)
class Finding:
    check_id: str
    title: str
    stack: str
    address: str
    passed: bool

    def line(self) -> str:
        return f"{self.check_id} {self.stack}: {self.address} ({self.title})"


@dataclass
class Scan:
    findings: list[Finding] = field(default_factory=list)
    summaries: dict[str, dict] = field(default_factory=dict)  # by framework (check_type)
    log: str = ""

    def total(self, key: str) -> int:
        return sum(summary.get(key, 0) for summary in self.summaries.values())

    def failed(self, stack: str | None = None) -> list[Finding]:
        return [f for f in self.findings if not f.passed and stack in (None, f.stack)]

    def passed(self, stack: str | None = None) -> list[Finding]:
        return [f for f in self.findings if f.passed and stack in (None, f.stack)]


def run_checkov(folder: Path, config: Path | None, timeout: int = 300) -> Scan:
    """checkov on every stack folder below ``folder`` (``<name>/stacks/<stack>/``, or
    ``<name>/modules/<stack>/``), its JSON reports parsed; ``config=None``: checkov's defaults."""
    settings = ["--config-file", str(config)] if config else ["--skip-download"]
    done = subprocess.run([str(CHECKOV), *settings, "-d", str(folder), "-o", "json"],
                          capture_output=True, text=True, timeout=timeout, cwd=folder,
                          env={**os.environ, **OFFLINE})
    if done.returncode not in (0, 1):  # 1: some check failed
        raise RuntimeError(f"checkov exited {done.returncode}:\n{done.stderr[-3000:]}")
    reports = json.loads(done.stdout)
    reports = [r for r in (reports if isinstance(reports, list) else [reports]) if "check_type" in r]
    # checkov leaves out a framework's report when it has neither a result nor a parsing error.
    scan = Scan(summaries={r["check_type"]: r["summary"] for r in reports}, log=done.stderr)
    lines = {p.relative_to(folder).parts[0]: _addresses_by_line(p.read_text()) for p in folder.glob(f"*/*/*/{layout.CONFIG}")}
    for report in reports:
        for result in report["results"]["passed_checks"] + report["results"]["failed_checks"]:
            stack = Path(result["file_path"]).parts[1]
            address = lines.get(stack, {}).get(result["file_line_range"][0], result["resource"])
            scan.findings.append(Finding(result["check_id"], result["check_name"], stack, address,
                                         result["check_result"]["result"] == "PASSED"))
    return scan


def config_without_skips(folder: Path) -> Path:
    settings = yaml.safe_load(CONFIG.read_text())
    settings.pop("skip-check", None)
    path = folder / "checkov-no-skips.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


def skipped_ids() -> list[str]:
    return list(yaml.safe_load(CONFIG.read_text()).get("skip-check", []))


# --- docs/security.md ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    check_id: str
    title: str
    body: str

    def paragraph(self, label: str) -> str | None:
        match = re.search(rf"^{label}: (.+?)(?:\n\n|\Z)", self.body, flags=re.M | re.S)
        return match.group(1) if match else None


def doc_sections(chapter: str) -> dict[str, Section]:
    """The ``### <check id>: <title>`` sections of the ``## <chapter>`` chapter of docs/security.md."""
    text = DOC.read_text()
    match = re.search(rf"^## {re.escape(chapter)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/security.md has no chapter '## {chapter}'"
    sections = re.split(r"^### ", match.group(1), flags=re.M)[1:]
    found: dict[str, Section] = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        check_id, _, title = heading.partition(": ")
        found[check_id.strip()] = Section(check_id.strip(), title.strip(), body.strip() + "\n")
    return found


SKIPPED = "Skipped checks"
PENDING = "Waiting for a synthesis change"


def test_every_skip_has_a_reason_and_every_reason_a_skip():
    skips = skipped_ids()
    sections = doc_sections(SKIPPED)
    assert len(skips) == len(set(skips)), "a check is skipped twice in .checkov.yaml"
    assert sorted(set(skips) - set(sections)) == [], "skipped in .checkov.yaml without a section in docs/security.md"
    assert sorted(set(sections) - set(skips)) == [], "a section in docs/security.md for a check .checkov.yaml runs"
    for section in sections.values():
        assert section.paragraph("Reason"), f"{section.check_id}: no 'Reason:' paragraph"
        ways = [label for label in ("Turn it on", "Never applies") if section.paragraph(label)]
        assert len(ways) == 1, f"{section.check_id}: needs one of 'Turn it on:' (the model field) or 'Never applies:'"
    assert set(doc_sections(PENDING)).isdisjoint(skips), "a check is both skipped and waiting for a fix"
    for section in doc_sections(PENDING).values():
        assert section.paragraph("Fix"), f"{section.check_id}: no 'Fix:' paragraph"


def test_checkov_is_pinned_once_and_the_docs_name_that_version():
    pins = re.findall(r'"checkov==([0-9.]+)"', (ROOT / "pyproject.toml").read_text())
    assert len(pins) == 1, "pyproject.toml pins checkov exactly once"
    assert f"checkov {pins[0]}" in DOC.read_text()


# --- the scan's tests ----------------------------------------------------------------------------


def _missing(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run the security scan: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> tuple[Scan, Scan]:
    """(with the skips, without them) over every stack in ``STACK_FILES``."""
    if not CHECKOV.exists():
        _missing(f"checkov is not installed in {CHECKOV.parent} (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("security-scan")
    folder = base / "out"
    for name, stack_file in STACK_FILES.items():
        synth_to(stack_file, folder / name)  # scanned as written: <name>/stacks/<stack>/
    return run_checkov(folder, CONFIG), run_checkov(folder, config_without_skips(base))


@pytest.mark.checkov
def test_no_check_fails(scans):
    with_skips, _ = scans
    pending = doc_sections(PENDING)
    unexpected = [f.line() for f in with_skips.failed() if f.check_id not in pending]
    assert unexpected == [], ("checkov found problems; fix synthesis, or, if a model field turns the "
                              "check on or it never applies, skip it in .checkov.yaml with a section in "
                              "docs/security.md:\n  " + "\n  ".join(unexpected))


def _read_whole(scan: Scan) -> None:
    assert scan.total("parsing_errors") == 0, scan.summaries
    assert not [line for line in scan.log.splitlines() if any(word in line for word in DROPPED)], scan.log[-3000:]
    assert scan.total("passed") > 0, scan.summaries


@pytest.mark.checkov
def test_the_scan_reads_every_stack_and_resource(scans):
    for scan in scans:
        _read_whole(scan)
    with_skips, _ = scans
    for stack in STACK_FILES:
        checked = {f.address.split(".")[0] for f in with_skips.findings if f.stack == stack}
        assert "aws_lambda_function" in checked, f"checkov checked no function of stack {stack}"
    checked = {f.address.split(".")[0] for f in with_skips.findings}
    assert sorted(SCANNED_TYPES - checked) == []
    # Graph checks (CKV2_*) see every function: they stop at the first resource checkov cannot add.
    functions = {(f.stack, f.address) for f in with_skips.findings if f.address.startswith("aws_lambda_function.")}
    graphed = {(f.stack, f.address) for f in with_skips.findings if f.check_id.startswith("CKV2_")}
    assert sorted(functions - graphed) == []


@pytest.mark.checkov
def test_every_skip_still_fails_on_some_stack(scans):
    _, without_skips = scans
    failing = {f.check_id for f in without_skips.failed()}
    stale = [check for check in skipped_ids() if check not in failing]
    assert stale == [], ("skipped in .checkov.yaml but failing on no scanned stack: remove the skip and its "
                         f"section in docs/security.md: {stale}")


@pytest.mark.checkov
def test_the_model_fields_turn_each_skipped_check_on(scans):
    _, without_skips = scans
    sections = doc_sections(SKIPPED)
    for check in skipped_ids():
        if sections[check].paragraph("Turn it on"):
            failed = [f.line() for f in without_skips.failed(HARDENED) if f.check_id == check]
            passed = [f for f in without_skips.passed(HARDENED) if f.check_id == check]
            assert failed == [] and passed, f"{check}: the fields docs/security.md names do not satisfy it: {failed}"
    allowed = {check for check, s in sections.items() if s.paragraph("Never applies")} | set(doc_sections(PENDING))
    left = [f.line() for f in without_skips.failed(HARDENED) if f.check_id not in allowed]
    assert left == [], "the hardened stack fails checks that no documented reason covers"


@pytest.mark.checkov
def test_the_titles_in_docs_are_checkovs(scans):
    _, without_skips = scans
    titles = {f.check_id: f.title for f in without_skips.findings}
    for check, section in {**doc_sections(SKIPPED), **doc_sections(PENDING)}.items():
        assert section.title == titles.get(check), check


@pytest.mark.checkov
def test_checks_waiting_for_synthesis_still_fail(scans):
    with_skips, _ = scans
    pending = doc_sections(PENDING)
    failing = {f.check_id for f in with_skips.failed()}
    fixed = sorted(set(pending) - failing)
    assert fixed == [], f"passing now: remove them from '{PENDING}' in docs/security.md: {fixed}"
    if pending:
        pytest.xfail("waiting for a synthesis change (docs/security.md): "
                     + ", ".join(f"{c} on {sum(f.check_id == c for f in with_skips.failed())} resources"
                                 for c in sorted(pending)))


@pytest.mark.checkov
def test_checkov_with_its_defaults_reads_every_stack_folder_as_written(tmp_path):
    # What a team's pipeline runs: checkov -d cdktf.out/stacks/<stack>, every framework, no
    # settings. Every stack fixture, and the example as a child module (synth --module).
    from generator.features.loader import load_stack_file
    from generator.output.folder import synthesize

    if not CHECKOV.exists():
        _missing(f"checkov is not installed in {CHECKOV.parent} (pip install -e '.[test]')")
    stack_files = sorted({EXAMPLE, *FIXTURES.glob("*/*.py")})
    for index, stack_file in enumerate(stack_files):
        synth_to(stack_file, tmp_path / f"{index}-{stack_file.stem}")
    synthesize(load_stack_file(EXAMPLE), tmp_path / "module", use_cache=False, module=True)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*/*/*")
                     if p.name.endswith((".tf", ".tf.json")))
    assert len([p for p in written if p.endswith(layout.CONFIG)]) == len(stack_files) + 1, written
    scan = run_checkov(tmp_path, None)
    _read_whole(scan)
    assert set(scan.summaries) >= {"terraform_json"}, scan.summaries
    graphed = {f.stack for f in scan.findings if f.check_id.startswith("CKV2_") and f.address.startswith("aws_")}
    assert sorted(graphed) == sorted({p.split("/")[0] for p in written}), "a folder whose graph checks did not run"


# --- a command: scan any stack file the same way -------------------------------------------------


def main(stack_files: list[str]) -> int:
    """Synthesize each stack file and print checkov's failed checks and its summary; 1 if any failed."""
    with tempfile.TemporaryDirectory() as temporary:
        base = Path(temporary)
        for index, stack_file in enumerate(stack_files):
            synth_to(Path(stack_file).resolve(), base / str(index))
        scan = run_checkov(base, CONFIG)
    for finding in scan.failed():
        print(f"FAILED {finding.line()}")
    versions = sorted({summary.get("checkov_version") for summary in scan.summaries.values()})
    print(f"checkov {', '.join(map(str, versions))}: {scan.total('passed')} passed, {scan.total('failed')} failed, "
          f"{scan.total('parsing_errors')} parsing errors, {len(skipped_ids())} checks skipped by .checkov.yaml")
    return 1 if scan.total("failed") or scan.total("parsing_errors") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(path) for path in STACK_FILES.values()]))
