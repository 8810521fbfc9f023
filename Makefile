# Two commands do all set-up on a fresh machine: `make synth` and `make test`.
# Both create .venv and install the project with its test tools (which include the `local`
# extra, moto, for `bluegreen up --local`) on first use. `make help` lists every target.
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: help synth test clean
# A bare `make` synthesizes, as it always has.
.DEFAULT_GOAL := synth

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

synth: $(STAMP) ## create .venv if needed and synthesize stacks/hello.py into cdktf.out/
	$(VENV)/bin/bluegreen synth stacks/hello.py

test: $(STAMP) ## create .venv if needed; lint (ruff), type-check (mypy), run the test suite (CI runs this)
	$(VENV)/bin/ruff check .
	@# The suite starts hundreds of Python processes (five workers, the bluegreen commands, the
	@# emulators); where PYTHONDONTWRITEBYTECODE is set, each compiled bluegreen from source again. Its
	@# modules and the tests' helpers are compiled once here (Python reads bytecode even then); stack
	@# files never are: tests edit them in place, faster than the source's mtime in the bytecode can tell.
	$(VENV)/bin/python -m compileall -q generator && $(VENV)/bin/python -m compileall -q -l tests
	@# A cold mypy takes about 25 s of one core: it runs beside the suite, whose five workers leave a
	@# core idle while they wait on Terraform, moto and the rollouts' bakes, instead of before it
	@# (docs/testing.md#suite-time). Its report is printed after the suite's; either failing fails the target.
	typing=$$(mktemp); $(VENV)/bin/mypy >$$typing 2>&1 & mypy=$$!; \
	$(VENV)/bin/python -m pytest; tests=$$?; \
	wait $$mypy; typed=$$?; echo "mypy:"; cat $$typing; rm -f $$typing; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The synth cache is shared by every checkout on the machine: `bluegreen cache clean` deletes only
# the entries this checkout used (and no other uses), so it runs before .venv goes.
clean: ## stop the local emulator; remove this checkout's synth cache entries, .venv, outputs and caches
	if [ -x $(VENV)/bin/bluegreen ]; then $(VENV)/bin/bluegreen down || true; fi
	if [ -x $(VENV)/bin/bluegreen ]; then $(VENV)/bin/bluegreen cache clean || true; fi
	# .bluegreen/bootstrap/ stays: it holds the state of `bluegreen bootstrap` on AWS.
	if [ -d .bluegreen ]; then find .bluegreen -mindepth 1 -maxdepth 1 ! -name bootstrap -exec rm -rf {} +; fi
	rm -rf $(VENV) cdktf.out .pytest_cache .hypothesis build *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
