# Everything runs from a virtual environment this Makefile makes for itself.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# With no AMQP_URI set, `make run` needs no broker: both services share
# kombu's in-process memory:// transport. Point AMQP_URI at RabbitMQ to use it.
AMQP_URI ?= memory://localhost/
SERVICES := registration.entrypoints.service welcome.entrypoints

BENCH_INSTALLED := $(VENV)/.bench-installed
# Run as root, or through sudo, to install Debian's wrk when it is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run migrate test lint test-unit test-nameko test-integration test-broker test-e2e test-static \
	bench bench-soak bench-profile wrk clean replay-dead-letters

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

migrate: $(INSTALLED)
	$(BIN)/alembic upgrade head

run: migrate
	AMQP_URI='$(AMQP_URI)' $(BIN)/nameko run --config config.yaml $(SERVICES)

# Sends the welcome service's dead letters back to be handled again, on the
# RabbitMQ that AMQP_URI in the environment names (config.yaml's default if unset).
replay-dead-letters: $(INSTALLED)
	$(BIN)/python -m welcome.replay_dead_letters --config config.yaml

test: lint
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test-unit: $(INSTALLED)
	$(BIN)/pytest tests/unit

test-nameko: $(INSTALLED)
	$(BIN)/pytest tests/nameko

test-integration: $(INSTALLED)
	$(BIN)/pytest tests/integration

test-broker: $(INSTALLED)
	$(BIN)/pytest tests/broker

test-e2e: $(INSTALLED)
	$(BIN)/pytest tests/e2e

test-static: $(INSTALLED)
	$(BIN)/pytest tests/static

$(BENCH_INSTALLED): $(INSTALLED) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

wrk:
	@command -v wrk >/dev/null || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }

# Needs RabbitMQ with its management API and PostgreSQL, as `make test` does.
bench: $(BENCH_INSTALLED) wrk
	$(BIN)/python -m bench.compare $(BENCH_ARGS)

bench-soak: $(BENCH_INSTALLED) wrk
	$(BIN)/python -m bench.soak $(BENCH_ARGS)

bench-profile: $(BENCH_INSTALLED) wrk
	$(BIN)/python -m bench.profile $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
