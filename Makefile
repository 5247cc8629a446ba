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

# The default experiment: export the default tomography_2d dataset, reconstruct it by FBP, score it.
demo: release
	$(INVSCALE) dataset tomography_2d --export $(DEMO_DIR)
	$(INVSCALE) fbp --size 512 --angles 100 $(DEMO_DIR)/measurement_0.npy $(DEMO_DIR)/fbp.npy
	@echo "FBP of the default dataset against the ground truth:"
	$(INVSCALE) metrics $(DEMO_DIR)/ground_truth.npy $(DEMO_DIR)/fbp.npy
	@echo "files in $(DEMO_DIR): ground_truth.npy measurement_0.npy geometry.json preview.png fbp.npy"

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
