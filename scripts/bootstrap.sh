#!/usr/bin/env bash
# Installs the Debian packages InvScale builds against, when they are missing.
# Idempotent and silent when everything is present; needs apt-get (Debian/Ubuntu) and root or sudo.
set -euo pipefail

packages=(
  libopenblas-dev   # GEMM (OpenBLAS, pthread variant)
  libfftw3-dev      # ramp filters (FFTW, single precision)
  zlib1g-dev        # PNG
  libtiff-dev       # TIFF (the CWI walnut projections and reconstructions)
  pkg-config        # SwiftPM finds the C libraries through it
  libopenmpi-dev    # MPI (OpenMPI) for multi-process runs
  openmpi-bin       # mpirun
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap: missing packages: ${missing[*]}" >&2
  echo "bootstrap: this machine has no apt-get; install the equivalents of these Debian packages" >&2
  echo "           (OpenBLAS, FFTW3 single precision, zlib, libtiff, pkg-config, OpenMPI) with your package manager." >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "bootstrap: missing packages: ${missing[*]}; run as root or install sudo" >&2
    exit 1
  fi
fi

echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
