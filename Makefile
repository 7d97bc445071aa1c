# nudge — the two commands: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_LOG := .build/build.log
APT_PACKAGES := libcurl4-openssl-dev libsqlite3-dev pkg-config tzdata
# The real peers the tests talk to (Tests/Peers/): Postfix's smtp-sink, Kannel with its fake SMS centre, nginx.
# GNU time measures the peak memory of `nudge import` in its test; systemd-analyze verifies the unit file.
PEER_PACKAGES := postfix kannel kannel-extras nginx-light libnginx-mod-http-echo wrk openssl curl time systemd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps peer-deps build run check test bench-ingest bench-dispatch bench-recommend format clean

all: build

# Installs the system libraries nudge links against, when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Installs the test peers when missing: postfix is preseeded so that it installs without questions and
# configures no MTA; aiosmtpd and statsmodels come from PyPI. Nothing is started here: each test starts its own peers.
peer-deps:
	@missing=""; for p in $(PEER_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing test peers:$$missing"; \
	  echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=300 --no-install-recommends $$missing; \
	fi
	@python3 -c 'import aiosmtpd' 2>/dev/null || { echo "installing aiosmtpd"; \
	  python3 -m pip install --quiet aiosmtpd || python3 -m pip install --quiet --break-system-packages aiosmtpd; }
	@python3 -c 'import statsmodels' 2>/dev/null || { echo "installing statsmodels (the report tests' reference)"; \
	  python3 -m pip install --quiet statsmodels || python3 -m pip install --quiet --break-system-packages statsmodels; }

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
test: deps peer-deps
	@mkdir -p .build
	set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee $(BUILD_LOG)
	@if grep -E "^$(CURDIR)/(Sources|Tests)/.*: warning:" $(BUILD_LOG); then echo "the build has warnings"; exit 1; fi
	$(SWIFT) test --skip-build

# Not a test: sustained ingest rate and peak memory of the release daemon (prints a table).
bench-ingest: deps
	$(SWIFT) build -c release --product nudge
	python3 Benchmarks/bench-ingest.py

# Not a test: how fast the release daemon empties its outbox to Postfix's smtp-sink (and, with the http transport,
# to the nginx sink), against smtp-source and wrk, and against bare libcurl (Benchmarks/curl-floor), measured in the
# same run (prints a table).
bench-dispatch: deps peer-deps
	$(SWIFT) build -c release --product nudge
	python3 Benchmarks/bench-dispatch.py

# Not a test: latency of the checkout recommendations endpoint with 50k products and 1M purchases on record.
bench-recommend: deps
	$(SWIFT) build -c release --product nudge --scratch-path .build-release
	NUDGE_BINARY=.build-release/release/nudge python3 Benchmarks/bench-recommend.py

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
