# strata — the two commands of the quickstart are `make run` and `make test`.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-full bench bench-local bench-journal bench-s3 bench-meta lint format install-check clean

all: build

deps:
	bash scripts/setup-deps.sh

configure: deps
	# -U: a build dir configured before a layer was added keeps no stale list.
	cmake -G Ninja -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -USTRATA_LAYERS -USTRATA_TEST_LAYERS $(CMAKE_FLAGS)

# Release build of the library, the CLI (build/bin/strata) and the unit tests.
build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The main job: `strata server` (the unified namespace over gRPC) on
# embedded defaults, in the foreground; prints how to use `strata fs` first.
run: build
	bash scripts/run-server.sh $(BUILD)/bin/strata

# A short local I/O benchmark suite on both runtimes (what `make run` did
# before the server existed).
bench-local: build
	bash scripts/bench-suite.sh $(BUILD)/bin/strata

# Every test: unit tests on both runtimes, ASan+UBSan, TSan, fuzz smoke,
# and the installed-package consumer examples.
test: build
	BUILD=$(BUILD) JOBS=$(JOBS) bash scripts/run-tests.sh

# The same with the long durability runs (>= 200 kill -9 rounds).
test-full: build
	STRATA_FULL_TESTS=1 BUILD=$(BUILD) JOBS=$(JOBS) bash scripts/run-tests.sh

# strata vs fio on the same file, same run (see docs/benchmarks.md).
bench: build
	bash bench/local_vs_fio.sh --strata $(BUILD)/bin/strata

# The journal vs pwrite+fdatasync and RocksDB sync=true, same run.
bench-journal: build
	bash bench/journal_vs_peers.sh --strata $(BUILD)/bin/strata --peers $(BUILD)/bin/journal_peers

# strata vs aws-cli v2 and rclone against radosgw, same run.
bench-s3: build
	bash bench/s3_vs_peers.sh --strata $(BUILD)/bin/strata

# Namespace operation rates through gRPC vs an empty call, against a
# server started for the run (see docs/benchmarks.md).
bench-meta: build
	bash bench/meta_vs_ping.sh --strata $(BUILD)/bin/strata

lint: configure
	bash scripts/lint.sh $(BUILD)

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

install-check: build
	BUILD=$(BUILD) bash scripts/check-install.sh

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-tsan $(BUILD)-fuzz
