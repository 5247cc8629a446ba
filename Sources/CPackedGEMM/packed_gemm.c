#include "packed_gemm.h"
#include <immintrin.h>

enum { R = PACKED_GEMM_ROWS, P = PACKED_GEMM_COLUMNS };

int packed_gemm_best_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return PACKED_GEMM_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return PACKED_GEMM_AVX2;
    return PACKED_GEMM_PORTABLE;
}

/* One R × P block of C with zmm registers: 12 rows × `vectors` vectors of 16 columns (a constant
   after inlining: 2 for a full panel, 1 when the panel has at most 16 columns). */
__attribute__((target("avx512f"), always_inline))
static inline void block_avx512_vectors(int k, const float *a, const float *b, float *c, int ldc, int rows, int columns,
                                        int accumulate, const int vectors) {
    __m512 acc[R][2];
    __mmask16 masks[2];
    masks[0] = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
    masks[1] = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
    for (int r = 0; r < R; r++) {
        for (int v = 0; v < vectors; v++) {
            acc[r][v] = accumulate && r < rows ? _mm512_maskz_loadu_ps(masks[v], c + r * ldc + 16 * v) : _mm512_setzero_ps();
        }
    }
    for (int g = 0; g < k / 8; g++) {
        const float *ag = a + g * R * 8, *bg = b + g * 8 * P;
        for (int l = 0; l < 8; l++) {
            __m512 bv[2];
            for (int v = 0; v < vectors; v++) bv[v] = _mm512_loadu_ps(bg + l * P + 16 * v);
#pragma clang loop unroll(full)
            for (int r = 0; r < R; r++) {
                __m512 x = _mm512_set1_ps(ag[r * 8 + l]);
                for (int v = 0; v < vectors; v++) acc[r][v] = _mm512_fmadd_ps(x, bv[v], acc[r][v]);
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        for (int v = 0; v < vectors; v++) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, masks[v], acc[r][v]);
    }
}

__attribute__((target("avx512f")))
static void block_avx512(int k, const float *a, const float *b, float *c, int ldc, int rows, int columns,
                         int accumulate) {
    if (columns > 16) block_avx512_vectors(k, a, b, c, ldc, rows, columns, accumulate, 2);
    else block_avx512_vectors(k, a, b, c, ldc, rows, columns, accumulate, 1);
}

/* Six rows × 16 columns of C with ymm registers, from row `first` and column `offset` of the block. */
__attribute__((target("avx2,fma")))
static void quarter_avx2(int k, const float *a, const float *b, float *c, int ldc, int first, int rows, int offset,
                         int columns, int accumulate) {
    __m256 acc[6][2];
    for (int r = 0; r < 6; r++) {
        for (int h = 0; h < 2; h++) {
            int full = columns - offset - 8 * h >= 8;
            acc[r][h] = accumulate && first + r < rows && full ? _mm256_loadu_ps(c + (first + r) * ldc + offset + 8 * h)
                                                                 : _mm256_setzero_ps();
        }
    }
    for (int g = 0; g < k / 8; g++) {
        const float *ag = a + (g * R + first) * 8, *bg = b + g * 8 * P + offset;
        for (int l = 0; l < 8; l++) {
            __m256 b0 = _mm256_loadu_ps(bg + l * P), b1 = _mm256_loadu_ps(bg + l * P + 8);
#pragma clang loop unroll(full)
            for (int r = 0; r < 6; r++) {
                __m256 x = _mm256_broadcast_ss(ag + r * 8 + l);
                acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
            }
        }
    }
    for (int r = 0; r < 6 && first + r < rows; r++) {
        for (int h = 0; h < 2; h++) {
            if (columns - offset - 8 * h >= 8) _mm256_storeu_ps(c + (first + r) * ldc + offset + 8 * h, acc[r][h]);
        }
    }
}

/* Columns are multiples of 8 for the AVX2 kernel's full-vector loads and stores; a partial
   8-column group goes through a small buffer. */
__attribute__((target("avx2,fma")))
static void block_avx2(int k, const float *a, const float *b, float *c, int ldc, int rows, int columns,
                       int accumulate) {
    if (columns % 8 != 0) {
        float buffer[R * P];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < P; j++) buffer[r * P + j] = j < columns && accumulate ? c[r * ldc + j] : 0;
        }
        block_avx2(k, a, b, buffer, P, rows, P, accumulate);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < columns; j++) c[r * ldc + j] = buffer[r * P + j];
        }
        return;
    }
    for (int first = 0; first < rows; first += 6) {
        for (int offset = 0; offset < columns; offset += 16) {
            quarter_avx2(k, a, b, c, ldc, first, rows, offset, columns, accumulate);
        }
    }
}

/* Any CPU: the same chains, one element at a time. */
static void block_portable(int k, const float *a, const float *b, float *c, int ldc, int rows, int columns,
                           int accumulate) {
    for (int r = 0; r < rows; r++) {
        for (int j = 0; j < columns; j++) {
            float sum = accumulate ? c[r * ldc + j] : 0;
            for (int i = 0; i < k; i++) sum = __builtin_fmaf(a[((i / 8) * R + r) * 8 + i % 8], b[i * P + j], sum);
            c[r * ldc + j] = sum;
        }
    }
}

void packed_gemm(int isa, int m, int n, int k, const float *a, const float *b, float *c, int ldc, int accumulate) {
    /* Panels outside, row blocks inside: a panel of B (k × 32) stays in cache while A streams by. */
    for (int panel = 0; panel * P < n; panel++) {
        int columns = n - panel * P < P ? n - panel * P : P;
        const float *bp = b + (long)panel * k * P;
        for (int block = 0; block * R < m; block++) {
            int rows = m - block * R < R ? m - block * R : R;
            const float *ab = a + (long)block * k * R;
            float *cb = c + (long)block * R * ldc + panel * P;
            if (isa == PACKED_GEMM_AVX512) block_avx512(k, ab, bp, cb, ldc, rows, columns, accumulate);
            else if (isa == PACKED_GEMM_AVX2) block_avx2(k, ab, bp, cb, ldc, rows, columns, accumulate);
            else block_portable(k, ab, bp, cb, ldc, rows, columns, accumulate);
        }
    }
}
