#pragma once
// The bundled model files, assembled into the binary by weights.S (.incbin of
// Resources/weights/, found through this target's header search path).
#include <stddef.h>

extern const unsigned char invscale_bundled_gray_start[];
extern const unsigned char invscale_bundled_gray_end[];

/// The bytes of drunet_bundled_gray.safetensors; `count` receives their number.
static inline const unsigned char *invscale_bundled_gray(size_t *count) {
    *count = (size_t)(invscale_bundled_gray_end - invscale_bundled_gray_start);
    return invscale_bundled_gray_start;
}

extern const unsigned char invscale_bundled_color_start[];
extern const unsigned char invscale_bundled_color_end[];

/// The bytes of drunet_bundled_color.safetensors; `count` receives their number.
static inline const unsigned char *invscale_bundled_color(size_t *count) {
    *count = (size_t)(invscale_bundled_color_end - invscale_bundled_color_start);
    return invscale_bundled_color_start;
}
