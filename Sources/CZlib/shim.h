#ifndef SOAK_CZLIB_SHIM_H
#define SOAK_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot call.
// windowBits 15 + 32: zlib detects gzip or zlib framing from the header.
static inline int soak_inflate_init_auto(z_streamp stream) { return inflateInit2(stream, 15 + 32); }
#endif
