#pragma once
// OpenBLAS (Debian's libopenblas-dev, pthread variant): cblas_sgemm and the thread-count control.
#include <cblas.h>
