# nudge — the two commands: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_LOG := .build/build.log
APT_PACKAGES := libcurl4-openssl-dev libsqlite3-dev pkg-config tzdata
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build run check test bench-ingest format clean

all: build

# Installs the system libraries nudge links against, when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# Builds nudge, checks the example campaigns and runs the daemon on the embedded defaults
# (data in ./var, campaigns in ./campaigns, templates in ./templates, every channel writing files).
run: build
	.build/debug/nudge check
	exec .build/debug/nudge run

check: build
	.build/debug/nudge check

# Builds everything warning-free and runs every test.
test: deps
	@mkdir -p .build
	set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee $(BUILD_LOG)
	@if grep -E "^$(CURDIR)/(Sources|Tests)/.*: warning:" $(BUILD_LOG); then echo "the build has warnings"; exit 1; fi
	$(SWIFT) test --skip-build

# Not a test: sustained ingest rate and peak memory of the release daemon (prints a table).
bench-ingest: deps
	$(SWIFT) build -c release --product nudge
	python3 Benchmarks/bench-ingest.py

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
