// OpenBLAS's CBLAS (Debian: /usr/include/x86_64-linux-gnu/cblas.h) and LAPACKE (/usr/include/lapacke.h).
#include <cblas.h>
#include <lapacke.h>
