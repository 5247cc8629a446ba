// Does a row of C = A·B (row-major cblas_sgemm, one thread) depend on where it sits in the call?
// One "window" of R rows is multiplied alone, then placed after 1, 2 and 3 other windows in one
// taller call; the program counts the values of the window that differ. See docs/determinism.md.
//
//   gcc -O2 tools/blas_row_order_probe.c $(pkg-config --cflags --libs openblas) -lm -o /tmp/probe
//   OPENBLAS_CORETYPE=Haswell /tmp/probe 37 64      # R = 37 rows, K = N = 64
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char *openblas_get_corename(void);

int main(int argc, char **argv) {
    int rows = argc > 1 ? atoi(argv[1]) : 37, size = argc > 2 ? atoi(argv[2]) : 64;
    if (rows < 1 || size < 1) {
        fprintf(stderr, "usage: %s [rows ≥ 1] [k = n ≥ 1]\n", argv[0]);
        return 2;
    }
    int k = size, n = size, windows = 4;
    float *b = malloc(sizeof(float) * k * n), *a = malloc(sizeof(float) * rows * k * windows);
    float *alone = malloc(sizeof(float) * rows * n), *stacked = malloc(sizeof(float) * rows * n * windows);
    float *batch = malloc(sizeof(float) * rows * k * windows);
    srand(1);
    for (int i = 0; i < k * n; i++) b[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int i = 0; i < rows * k * windows; i++) a[i] = (float)rand() / RAND_MAX - 0.5f;
    openblas_set_num_threads(1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1, a, k, b, n, 0, alone, n);
    printf("core %s, window of %d rows, k = n = %d\n", openblas_get_corename(), rows, size);
    for (int count = 2; count <= windows; count++) {
        // The window last, after count − 1 other windows.
        for (int w = 0; w < count; w++)
            memcpy(batch + w * rows * k, w == count - 1 ? a : a + (w + 1) * rows * k, sizeof(float) * rows * k);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows * count, n, k, 1, batch, k, b, n, 0, stacked, n);
        int differ = 0;
        float largest = 0;
        for (int i = 0; i < rows * n; i++) {
            float d = fabsf(stacked[(count - 1) * rows * n + i] - alone[i]);
            if (d != 0) differ++;
            if (d > largest) largest = d;
        }
        printf("  at rows %d..%d of a %d-row call: %d of %d values differ (max %.3g)\n",
               (count - 1) * rows, count * rows - 1, rows * count, differ, rows * n, largest);
    }
    free(a); free(b); free(alone); free(stacked); free(batch);
    return 0;
}
