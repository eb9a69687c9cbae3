# The two set-up commands are `make demo` and `make test`; both build .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test soak bench readme clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/symattn demo

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# the differential run in full: more than 10^4 random (model, point) pairs against the Fraction reference
soak: $(VENV)/.installed
	SYMATTN_SOAK=1 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_fraction_reference.py \
		-k every_component

# the README outputs computed from the built-in models (marked blocks), rewritten as the code prints them
readme: $(VENV)/.installed
	$(BIN)/python tests/readme_outputs.py

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) symattn-demo .pytest_cache .hypothesis
