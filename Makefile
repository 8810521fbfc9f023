# Two commands do all set-up on a fresh machine: `make synth` and `make test`.
# Both create .venv and install the project (with its test tools) on first use.
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: synth test clean

synth: $(STAMP)
	$(VENV)/bin/bluegreen synth stacks/hello.py

test: $(STAMP)
	$(VENV)/bin/python -m pytest

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) cdktf.out
