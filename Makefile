# The two commands: `make run` and `make test`. Everything else is a helper for them.
# Builds use CMake presets (CMakePresets.json); build trees live under build/<preset>.

JOBS ?= $(shell nproc)
PRESET_TEST ?= dev
CTEST_ARGS ?=

.PHONY: run test bench bootstrap build release asan tsan fuzz format lint clean web screenshots test-deps

bootstrap:
	@bash scripts/bootstrap.sh

# The web client (web/, served at / by `startales serve`): npm ci when the lock file changed,
# npm run build when a source changed; a no-op when web/dist is up to date.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/build.mjs
web/node_modules/.package-lock.json: web/package.json web/package-lock.json | bootstrap
	cd web && npm ci --no-audit --no-fund
	@touch $@
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build
web: web/dist/index.html

# s3rver (a third-party S3 implementation, npm) for the object store's integration tests
# (tests/support/s3_server.cc): npm ci when its lock file changed.
S3RVER_DIR := tests/support/s3rver
$(S3RVER_DIR)/node_modules/.package-lock.json: $(S3RVER_DIR)/package.json $(S3RVER_DIR)/package-lock.json | bootstrap
	cd $(S3RVER_DIR) && npm ci --no-audit --no-fund
	@touch $@
# kubernetes-models (the Kubernetes schemas) and yaml for the manifests' checks (docker/tests/k8s.sh).
K8S_VALIDATE_DIR := docker/tests/k8s-validate
$(K8S_VALIDATE_DIR)/node_modules/.package-lock.json: $(K8S_VALIDATE_DIR)/package.json $(K8S_VALIDATE_DIR)/package-lock.json | bootstrap
	cd $(K8S_VALIDATE_DIR) && npm ci --no-audit --no-fund
	@touch $@
test-deps: $(S3RVER_DIR)/node_modules/.package-lock.json $(K8S_VALIDATE_DIR)/node_modules/.package-lock.json

release: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target startales

# Starts the all-in-one server on http://localhost:4000 with data under ./data.
run: release web
	STARTALES_DATA_DIR=$${STARTALES_DATA_DIR:-./data} ./build/release/src/app/startales serve

build: bootstrap web test-deps
	@cmake --preset $(PRESET_TEST) >/dev/null
	@cmake --build --preset $(PRESET_TEST) -j $(JOBS)

# Builds everything and runs every test (unit, storage on SQLite and a real PostgreSQL,
# integration tests against the real binary).
test: build
	@ctest --preset $(PRESET_TEST) -j $(JOBS) $(CTEST_ARGS)

# Screenshots of the main screens into docs/screenshots/ (the e2e flow, with a camera).
screenshots: build
	STARTALES_BINARY=build/$(PRESET_TEST)/src/app/startales node tests/e2e/run.mjs --screenshots docs/screenshots

# The whole suite under AddressSanitizer + UBSan (gcc; any finding fails its test).
asan:
	@$(MAKE) test PRESET_TEST=asan

# The server and campaign tests under ThreadSanitizer (gcc): builds only what they need.
tsan: bootstrap
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@ctest --preset tsan -j $(JOBS) $(CTEST_ARGS)

# Coverage-guided fuzzing: the fuzz targets (tests/fuzz) built with clang + libFuzzer + ASan/UBSan,
# each run for FUZZ_SECONDS on its committed corpus (FUZZ_TARGETS picks some). New inputs and
# crashes go under build/fuzz/; tests/fuzz/run.sh prints executions and findings per target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: bootstrap
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Micro-benchmarks, the wrk load run on /api/health and the startales-loadgen campaign run;
# see docs/benchmarks.md.
bench: release test-deps
	@cmake --build --preset release -j $(JOBS)
	@bash bench/run.sh

format:
	@clang-format -i $$(git ls-files 'src/*.h' 'src/*.cc' 'tests/*.h' 'tests/*.cc' 'bench/*.cc' 'tools/*.cc')

# clang-tidy with the repo's .clang-tidy over every source file (needs a dev build first).
lint: build
	@clang-tidy -p build/$(PRESET_TEST) --quiet $$(git ls-files 'src/*.cc')

clean:
	rm -rf build
