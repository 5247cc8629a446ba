#include "winograd_transforms.h"
#include <string.h>

#pragma clang fp contract(off)

typedef float v8 __attribute__((ext_vector_type(8)));
typedef float v16 __attribute__((ext_vector_type(16)));
typedef int i8 __attribute__((ext_vector_type(8)));
typedef int i16 __attribute__((ext_vector_type(16)));

/* Bᵀ x and Aᵀ x of six vectors, in the operation order of the reference (WinogradF43.swift). */
#define INPUT_TRANSFORM(T, x, y)                                                                   \
    do {                                                                                           \
        T sum12 = x[1] + x[2], sum34 = x[3] + x[4], rest = x[4] - x[2];                            \
        y[0] = x[0] * 4 - x[2] * 5 + x[4];                                                         \
        y[1] = sum34 - sum12 * 4;                                                                  \
        y[2] = (x[1] - x[2]) * 4 + (x[4] - x[3]);                                                  \
        y[3] = (x[3] - x[1]) * 2 + rest;                                                           \
        y[4] = (x[1] - x[3]) * 2 + rest;                                                           \
        y[5] = x[1] * 4 - x[3] * 5 + x[5];                                                         \
    } while (0)

#define OUTPUT_TRANSFORM(T, x, y)                                                                  \
    do {                                                                                           \
        T sum12 = x[1] + x[2], difference12 = x[1] - x[2], sum34 = x[3] + x[4], difference34 = x[3] - x[4]; \
        y[0] = x[0] + sum12 + sum34;                                                               \
        y[1] = difference12 + difference34 * 2;                                                    \
        y[2] = sum12 + sum34 * 4;                                                                  \
        y[3] = difference12 + difference34 * 8 + x[5];                                             \
    } while (0)

/* One tile's transforms for the channels [first, last) in vectors of T (LANES floats), with
   T's integer twin I for the ReLU mask. Stores of 16 lanes go out as two groups of 8. */
#define DEFINE_TILE_TRANSFORMS(NAME, T, I, LANES, TARGET)                                         \
    TARGET static void input_##NAME(const float *x, int height, int width, int channels, int top, int left,   \
                                    float *target, long element_stride, long group_stride, int first, int last) { \
        int interior = top >= 1 && top + 5 <= height && left >= 1 && left + 5 <= width;            \
        for (int c = first; c < last; c += LANES) {                                                \
            T d[36], columns[36], r[6];                                                            \
            for (int i = 0; i < 6; i++) {                                                          \
                int row = top - 1 + i;                                                             \
                for (int j = 0; j < 6; j++) {                                                      \
                    int column = left - 1 + j;                                                     \
                    if (interior || (row >= 0 && row < height && column >= 0 && column < width)) {  \
                        memcpy(&d[i * 6 + j], x + ((long)row * width + column) * channels + c, sizeof(T)); \
                    } else {                                                                       \
                        d[i * 6 + j] = 0;                                                          \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
            for (int j = 0; j < 6; j++) {                                                          \
                T v[6] = {d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j]};             \
                INPUT_TRANSFORM(T, v, r);                                                          \
                for (int k = 0; k < 6; k++) columns[k * 6 + j] = r[k];                             \
            }                                                                                      \
            for (int i = 0; i < 6; i++) {                                                          \
                INPUT_TRANSFORM(T, (columns + 6 * i), r);                                          \
                for (int k = 0; k < 6; k++) {                                                      \
                    float *out = target + (6 * i + k) * element_stride + (c / 8) * group_stride;   \
                    memcpy(out, &r[k], 32);                                                        \
                    if (LANES == 16) memcpy(out + group_stride, (const float *)&r[k] + 8, 32);     \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
    TARGET static void output_##NAME(const float *source, long element_stride, float *y, int height, int width, \
                                     int channels, int top, int left, int accumulate, int relu, int first, int last) { \
        int rows = height - top < 4 ? height - top : 4, columns = width - left < 4 ? width - left : 4; \
        for (int c = first; c < last; c += LANES) {                                                \
            T half[24], m[6], pixels[4];                                                           \
            for (int j = 0; j < 6; j++) {                                                          \
                for (int i = 0; i < 6; i++) memcpy(&m[i], source + (6 * i + j) * element_stride + c, sizeof(T)); \
                T o[4];                                                                            \
                OUTPUT_TRANSFORM(T, m, o);                                                         \
                for (int k = 0; k < 4; k++) half[6 * k + j] = o[k];                                \
            }                                                                                      \
            for (int i = 0; i < rows; i++) {                                                       \
                OUTPUT_TRANSFORM(T, (half + 6 * i), pixels);                                       \
                float *line = y + ((long)(top + i) * width + left) * channels + c;                 \
                for (int j = 0; j < columns; j++) {                                                \
                    T value = pixels[j], old;                                                      \
                    if (accumulate) {                                                              \
                        memcpy(&old, line + (long)j * channels, sizeof(T));                        \
                        value += old;                                                              \
                    }                                                                              \
                    if (relu) value = (T)((I)value & ~(I)(value < 0));                             \
                    memcpy(line + (long)j * channels, &value, sizeof(T));                          \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

DEFINE_TILE_TRANSFORMS(v8, v8, i8, 8, )
DEFINE_TILE_TRANSFORMS(avx2, v8, i8, 8, __attribute__((target("avx2"))))
DEFINE_TILE_TRANSFORMS(avx512, v16, i16, 16, __attribute__((target("avx512f"))))

void winograd_input_tile(int isa, const float *x, int height, int width, int channels, int top, int left,
                         float *target, long element_stride, long group_stride) {
    if (isa == 2) {
        int wide = channels / 16 * 16;
        input_avx512(x, height, width, channels, top, left, target, element_stride, group_stride, 0, wide);
        if (wide < channels) input_avx2(x, height, width, channels, top, left, target, element_stride, group_stride, wide, channels);
    } else if (isa == 1) {
        input_avx2(x, height, width, channels, top, left, target, element_stride, group_stride, 0, channels);
    } else {
        input_v8(x, height, width, channels, top, left, target, element_stride, group_stride, 0, channels);
    }
}

void winograd_output_tile(int isa, const float *source, long element_stride, float *y, int height, int width,
                          int channels, int top, int left, int accumulate, int relu) {
    if (isa == 2) {
        int wide = channels / 16 * 16;
        output_avx512(source, element_stride, y, height, width, channels, top, left, accumulate, relu, 0, wide);
        if (wide < channels) output_avx2(source, element_stride, y, height, width, channels, top, left, accumulate, relu, wide, channels);
    } else if (isa == 1) {
        output_avx2(source, element_stride, y, height, width, channels, top, left, accumulate, relu, 0, channels);
    } else {
        output_v8(source, element_stride, y, height, width, channels, top, left, accumulate, relu, 0, channels);
    }
}
