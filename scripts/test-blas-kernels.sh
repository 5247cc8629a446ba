#!/usr/bin/env bash
# The batch- and rank-invariance tests (every `…InvarianceTests` suite) under each OpenBLAS kernel
# our machines may run: OPENBLAS_CORETYPE Haswell, SkylakeX, Zen, Sandybridge and unset, each with
# OPENBLAS_L2_SIZE 512 and unset (docs/determinism.md). This is the only place where tests or CI
# set these variables. A core this CPU cannot run is skipped with the reason.
# Needs a debug build with tests (`swift build --build-tests`, which `make test` has done).
set -euo pipefail
cd "$(dirname "$0")/.."

cores=(unset Haswell SkylakeX Zen Sandybridge)
l2sizes=(unset 512)
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
failed=()
passed=0
skipped=0
for core in "${cores[@]}"; do
  case "$core" in
    SkylakeX) need=avx512f ;;
    Haswell|Zen) need=avx2 ;;
    Sandybridge) need=avx ;;
    *) need="" ;;
  esac
  if [ -n "$need" ] && ! grep -qw "$need" <<<"$flags"; then
    echo "test-blas-kernels: skipped OPENBLAS_CORETYPE=$core: this CPU lacks $need"
    skipped=$((skipped + ${#l2sizes[@]}))
    continue
  fi
  for l2 in "${l2sizes[@]}"; do
    setting=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
    [ "$core" != unset ] && setting+=("OPENBLAS_CORETYPE=$core")
    [ "$l2" != unset ] && setting+=("OPENBLAS_L2_SIZE=$l2")
    label="OPENBLAS_CORETYPE=$core OPENBLAS_L2_SIZE=$l2"
    echo "test-blas-kernels: $label: $("${setting[@]}" .build/debug/invscale version | grep -m1 "^OpenBLAS")"
    log=$(mktemp)
    if "${setting[@]}" swift test --skip-build --disable-xctest --filter 'InvarianceTests' >"$log" 2>&1 \
        && grep -q "Test run with [1-9][0-9]* tests.* passed" "$log"; then
      grep "Test run with" "$log" | sed "s/^/test-blas-kernels: $label: /"
      passed=$((passed + 1))
    else
      grep -E "✘|error" "$log" | head -20
      echo "test-blas-kernels: $label: FAILED"
      failed+=("$label")
    fi
    rm -f "$log"
  done
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "test-blas-kernels: invariance tests failed under: ${failed[*]}"
  exit 1
fi
echo "test-blas-kernels: invariance tests green under all ${passed} kernel settings run (${skipped} skipped)"
