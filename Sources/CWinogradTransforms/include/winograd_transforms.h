#ifndef INVSCALE_WINOGRAD_TRANSFORMS_H
#define INVSCALE_WINOGRAD_TRANSFORMS_H

/// The tile transforms of Winograd's F(4×4, 3×3) (Lavin & Gray 2016, interpolation points
/// 0, ±1, ±2, ∞) on channels-last maps, vectorised over channels: 16 at a time with AVX-512, 8 with
/// AVX2 or plain vectors elsewhere (the `isa` values of packed_gemm.h).
///
/// Every value is the same sequence of single additions, subtractions and multiplications by
/// constants whatever the vector width (this file is compiled without contraction into fused
/// multiply-adds), so all instruction sets give the same bits.

/// `Bᵀ d B` of the 6×6 neighbourhood of the output tile whose top-left pixel is (`top`, `left`) in
/// a `height × width × channels` map `x` (zeros outside the map); `channels` is a multiple of 8.
/// Element e (row-major in the 6×6 block) of the channels c … c+7 goes to
/// `target + e·element_stride + (c / 8)·group_stride`.
void winograd_input_tile(int isa, const float *x, int height, int width, int channels, int top, int left,
                         float *target, long element_stride, long group_stride);

/// `Aᵀ m A` of the 36 transformed products of one tile (element e of channel c at
/// `source[e·element_stride + c]`), written to the pixels of the output tile at (`top`, `left`)
/// that lie in the `height × width × channels` map `y`, added to what is there when `accumulate`,
/// then with negative values set to 0 when `relu`.
void winograd_output_tile(int isa, const float *source, long element_stride, float *y, int height, int width,
                          int channels, int top, int left, int accumulate, int relu);

#endif
