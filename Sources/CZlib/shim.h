#pragma once
// zlib (Debian's zlib1g-dev): deflate and crc32 for PNG.
#include <zlib.h>
