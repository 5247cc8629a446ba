# InvScale — the two commands: `make demo` and `make test`.
SWIFT ?= swift
ARCH := $(shell uname -m)
# Release flags from the machine notes: an AVX2+FMA baseline on x86-64 (without -target-cpu, SIMD
# code falls back to SSE2 and scalar fmaf calls). -Ounchecked applies only to the numeric kernel
# modules (Package.swift, kernelSettings); parsing, planning, launching and writing keep checks.
# The Swift runtime is linked statically: the binary needs only the Debian libraries it names
# (OpenBLAS, FFTW, libtiff, zlib, OpenMPI) and glibc/libstdc++; the bundled model is inside it.
RELEASE_FLAGS := -c release --static-swift-stdlib
ifeq ($(ARCH),x86_64)
RELEASE_FLAGS += -Xswiftc -target-cpu -Xswiftc haswell
endif
PREFIX ?= /usr/local
INVSCALE := .build/release/invscale
DEMO_DIR := outputs/demo
BENCH_DIR := outputs/bench
BENCH_SIZES ?= 256 512 1024 2048
BENCH_THREADS ?= 2

.PHONY: demo test test-unit test-kernels test-binary install bench release bootstrap clean

bootstrap:
	@scripts/bootstrap.sh

release: bootstrap
	$(SWIFT) build $(RELEASE_FLAGS) --product invscale

# The default experiment (tomography_2d 256², PnP with the bundled DRUNet from FBP), then the
# demo file's other run (PnP-TV; its DRUNet run is the default one, found finished and skipped).
demo: release
	$(INVSCALE) run --output $(DEMO_DIR)
	$(INVSCALE) run configs/demo.yml --output $(DEMO_DIR)

# Every test: the whole suite (debug build), the invariance tests under every OpenBLAS kernel,
# and the release binary run alone outside the checkout.
test: test-unit test-kernels test-binary

test-unit: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

# Batch and rank invariance under OPENBLAS_CORETYPE Haswell/SkylakeX/Zen/Sandybridge/unset and
# OPENBLAS_L2_SIZE 512/unset (docs/determinism.md).
test-kernels: bootstrap
	$(SWIFT) build --build-tests
	scripts/test-blas-kernels.sh

# The release binary copied alone into an empty folder runs the default experiment.
test-binary: release
	scripts/check-standalone-binary.sh $(INVSCALE)

# Installs the one binary, stripped: $(PREFIX)/bin/invscale.
install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -s -m 755 $(INVSCALE) $(DESTDIR)$(PREFIX)/bin/invscale

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
