// zlib (Debian: zlib1g-dev), used to read gzip-compressed IDX files and to checksum spectrogram cache entries.
#include <zlib.h>
