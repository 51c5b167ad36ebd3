// Runs every batch-norm kernel on fixed pseudo-random data and writes all outputs to stdout, so two
// builds (dispatched clone vs baseline-only) can be compared byte for byte.
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
static unsigned long long st = 88172645463325252ull;
static double rnd(void) { st ^= st << 13; st ^= st >> 7; st ^= st << 17; return (double)(st >> 11) / 9007199254740992.0; }
#define RUN(T, S)                                                                                     \
  {                                                                                                   \
    long N = n * c * rest;                                                                            \
    T *x = malloc(N * sizeof(T)), *g = malloc(N * sizeof(T)), *t = malloc(N * sizeof(T));             \
    T *z = malloc(N * sizeof(T)), *y = malloc(N * sizeof(T)), *h = malloc(N * sizeof(T));             \
    T *dx = malloc(N * sizeof(T)), *dt = malloc(N * sizeof(T));                                       \
    T mean[64], sq[64], inv[64], gam[64], bet[64], dg[64], db[64];                                    \
    for (long i = 0; i < N; i++) { x[i] = (T)(rnd() * 8 - 3); g[i] = (T)(rnd() * 2 - 1); t[i] = (T)(rnd() * 2 - 1); } \
    for (long k = 0; k < c; k++) { gam[k] = (T)(0.5 + rnd()); bet[k] = (T)(rnd() - 0.5); }           \
    mixup_bn_statistics_##S(x, n, c, rest, mean, sq);                                                 \
    for (long k = 0; k < c; k++) inv[k] = (T)1 / (T)sqrt(sq[k] / (T)(n * rest) + (T)1e-5);            \
    fwrite(mean, sizeof(T), c, stdout); fwrite(sq, sizeof(T), c, stdout);                             \
    mixup_bn_forward_##S(x, n, c, rest, mean, inv, gam, bet, y, h);                                   \
    fwrite(y, sizeof(T), N, stdout); fwrite(h, sizeof(T), N, stdout);                                 \
    mixup_bn_backward_##S(g, h, n, c, rest, inv, gam, dx, dg, db);                                    \
    fwrite(dx, sizeof(T), N, stdout); fwrite(dg, sizeof(T), c, stdout); fwrite(db, sizeof(T), c, stdout); \
    mixup_bn_relu_forward_##S(x, n, c, rest, mean, inv, gam, bet, z);                                 \
    fwrite(z, sizeof(T), N, stdout);                                                                  \
    mixup_bn_relu_backward_##S(g, x, z, n, c, rest, mean, inv, gam, dx, dg, db);                      \
    fwrite(dx, sizeof(T), N, stdout); fwrite(dg, sizeof(T), c, stdout); fwrite(db, sizeof(T), c, stdout); \
    mixup_bn_relu_tangent_##S(t, z, n, c, rest, inv, gam, y);                                         \
    fwrite(y, sizeof(T), N, stdout);                                                                  \
    mixup_bn_relu_tangent_backward_##S(g, t, x, z, n, c, rest, mean, inv, gam, dt, dx, dg);           \
    fwrite(dt, sizeof(T), N, stdout); fwrite(dx, sizeof(T), N, stdout); fwrite(dg, sizeof(T), c, stdout); \
  }
int main(void) {
    long shapes[][3] = {{3, 5, 37 * 29}, {4, 64, 256}, {7, 3, 9}, {2, 2, 24}};
    for (int s = 0; s < 4; s++) {
        long n = shapes[s][0], c = shapes[s][1], rest = shapes[s][2];
        RUN(float, f32)
        RUN(double, f64)
    }
    return 0;
}
