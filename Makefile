# InvScale — the two commands: `make demo` and `make test`.
SWIFT ?= swift
ARCH := $(shell uname -m)
# Release flags from the machine notes: -Ounchecked, and an AVX2+FMA baseline on x86-64
# (without -target-cpu, SIMD code falls back to SSE2 and scalar fmaf calls).
RELEASE_FLAGS := -c release -Xswiftc -Ounchecked
ifeq ($(ARCH),x86_64)
RELEASE_FLAGS += -Xswiftc -target-cpu -Xswiftc haswell
endif
INVSCALE := .build/release/invscale
DEMO_DIR := outputs/demo
BENCH_DIR := outputs/bench
BENCH_SIZES ?= 256 512 1024 2048
BENCH_THREADS ?= 2

.PHONY: demo test bench release bootstrap clean

bootstrap:
	@scripts/bootstrap.sh

release: bootstrap
	$(SWIFT) build $(RELEASE_FLAGS) --product invscale

# The default experiment (tomography_2d 256², PnP with the bundled DRUNet from FBP), then the
# demo file's other run (PnP-TV; its DRUNet run is the default one, found finished and skipped).
demo: release
	$(INVSCALE) run --output $(DEMO_DIR)
	$(INVSCALE) run configs/demo.yml --output $(DEMO_DIR)

test: bootstrap
	$(SWIFT) test --disable-xctest

# Projector timings (100 angles) as one JSON object per size in $(BENCH_DIR)/projector.jsonl.
bench: release
	@mkdir -p $(BENCH_DIR)
	@rm -f $(BENCH_DIR)/projector.jsonl
	@for n in $(BENCH_SIZES); do \
	  $(INVSCALE) bench projector --size $$n --angles 100 --threads $(BENCH_THREADS) --reps 7 --json \
	    | tee -a $(BENCH_DIR)/projector.jsonl; \
	done

clean:
	rm -rf .build outputs
