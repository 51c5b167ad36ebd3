// FFTW 3, single precision (Debian: libfftw3-dev, links libfftw3f).
#include <fftw3.h>
