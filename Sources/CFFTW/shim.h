#pragma once
// FFTW 3, single precision (Debian's libfftw3-dev): real-to-complex transforms for ramp filters.
#include <fftw3.h>
