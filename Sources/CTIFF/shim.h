#pragma once
// libtiff 4 (Debian's libtiff-dev): the CWI walnut projections and reconstruction slices.
#include <stdarg.h>
#include <stdio.h>
#include <tiffio.h>

// Writes libtiff's message into the caller's buffer (user_data, 512 bytes) instead of stderr;
// later messages replace earlier ones. Returning 1 keeps the global handlers silent.
static inline int invscale_tiff_message(TIFF *tiff, void *user_data, const char *module, const char *format, va_list arguments) {
    (void)tiff;
    char *buffer = (char *)user_data;
    int used = snprintf(buffer, 512, "%s: ", module ? module : "libtiff");
    if (used < 0 || used >= 512) used = 0;
    vsnprintf(buffer + used, 512 - (size_t)used, format, arguments);
    return 1;
}

// Drops a warning.
static inline int invscale_tiff_ignore(TIFF *tiff, void *user_data, const char *module, const char *format, va_list arguments) {
    (void)tiff; (void)user_data; (void)module; (void)format; (void)arguments;
    return 1;
}

// Opens `path` for reading with errors written to `message` (512 bytes, which must outlive the
// handle) and warnings dropped.
static inline TIFF *invscale_tiff_open(const char *path, char *message) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, invscale_tiff_message, message);
    TIFFOpenOptionsSetWarningHandlerExtR(options, invscale_tiff_ignore, NULL);
    TIFF *tiff = TIFFOpenExt(path, "r", options);
    TIFFOpenOptionsFree(options);
    return tiff;
}

// One 16-bit tag value (or its default) and one 32-bit tag value: TIFFGetField is variadic,
// which Swift cannot call.
static inline int invscale_tiff_uint16(TIFF *tiff, uint32_t tag, uint16_t *value) {
    return TIFFGetFieldDefaulted(tiff, tag, value);
}
static inline int invscale_tiff_uint32(TIFF *tiff, uint32_t tag, uint32_t *value) {
    return TIFFGetField(tiff, tag, value);
}
