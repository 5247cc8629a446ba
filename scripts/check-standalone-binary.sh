#!/usr/bin/env bash
# The release binary on its own: copied alone into an empty folder outside the checkout, with the
# Swift toolchain hidden (a private mount namespace, where this user may make one), it must run the
# default experiment and denoise with the bundled model. Prints its size and what it links.
# Usage: scripts/check-standalone-binary.sh [BINARY]   (default .build/release/invscale)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-.build/release/invscale}")
[ -x "$binary" ] || { echo "check-standalone-binary: $binary: no such executable (run make release)" >&2; exit 1; }

folder=$(mktemp -d /tmp/invscale-alone.XXXXXX)
trap 'rm -rf "$folder"' EXIT
cp "$binary" "$folder/invscale"
echo "check-standalone-binary: $(du -h "$folder/invscale" | cut -f1) ($(stat -c %s "$folder/invscale") bytes), links:"
ldd "$folder/invscale" | sed 's/^/  /'
if ldd "$folder/invscale" | grep -E "not found|libswift|libFoundation|libdispatch|libBlocksRuntime"; then
  echo "check-standalone-binary: the binary needs the libraries above from the Swift toolchain" >&2
  exit 1
fi

# What the binary is asked to do, in its folder: the default experiment, then the bundled model.
steps='cd "$0" && ./invscale run --output results >run.log 2>&1 \
  && grep -q finished results/*/run.json \
  && ./invscale dataset tomography_2d --img-size 96 --num-angles 30 --export data >/dev/null \
  && ./invscale denoise --model bundled --sigma 0.05 data/ground_truth.npy denoised.npy \
  && test -s denoised.npy'
toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")
if [ -d "$toolchain" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null \
    && unshare --mount true 2>/dev/null; then
  echo "check-standalone-binary: running in $folder with $toolchain hidden"
  unshare --mount sh -c "mount --bind \"$folder\" \"$toolchain\" && sh -c '$steps' \"$folder\""
else
  echo "check-standalone-binary: running in $folder (cannot hide the toolchain here: needs root and unshare)"
  sh -c "$steps" "$folder"
fi
tail -n 4 "$folder/run.log" | sed 's/^/  /'
echo "check-standalone-binary: the binary alone ran the default experiment and the bundled model"
