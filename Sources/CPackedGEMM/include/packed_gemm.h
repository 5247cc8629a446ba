#ifndef INVSCALE_PACKED_GEMM_H
#define INVSCALE_PACKED_GEMM_H

/// Matrix products on operands packed for register blocking, with the instruction set chosen at
/// run time (AVX-512 where the CPU has it, else AVX2 with FMA).
///
/// Every element of C is one chain of fused multiply-adds over k = 0, 1, …, K−1, started from 0
/// (or from C's value when accumulating). Fused multiply-adds round once each, so the result does
/// not depend on the instruction set, on the element's place in its block or call, nor on the
/// blocking: it is the same number on every CPU and for every caller's split of the rows.
///
/// Layouts (floats):
/// - A, rows packed in blocks of PACKED_GEMM_ROWS: element (i, k) at
///   `((i / R · K/8 + k / 8) · R + i % R) · 8 + k % 8`, R = PACKED_GEMM_ROWS; K is a multiple of 8.
///   Rows past m in the last block are read but never influence a stored value.
/// - B, columns packed in panels of PACKED_GEMM_COLUMNS: element (k, j) at
///   `(j / P · K + k) · P + j % P`, P = PACKED_GEMM_COLUMNS; columns past n likewise.
/// - C, row-major with row stride ldc (a multiple of 8 not required); only rows < m and
///   columns < n are read or written.

#define PACKED_GEMM_ROWS 12
#define PACKED_GEMM_COLUMNS 32

/// The instruction sets of the kernels (portable: plain C, one element at a time).
enum packed_gemm_isa { PACKED_GEMM_PORTABLE = 0, PACKED_GEMM_AVX2 = 1, PACKED_GEMM_AVX512 = 2 };

/// The best instruction set this CPU has.
int packed_gemm_best_isa(void);

/// `C = A·B`, or `C += A·B` when `accumulate`, with `m × k` A and `k × n` B packed as above, on
/// the calling thread, with the kernels of `isa` (which the CPU must have).
void packed_gemm(int isa, int m, int n, int k, const float *a, const float *b, float *c, int ldc, int accumulate);

#endif
