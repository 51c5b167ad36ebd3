// Cost of Double accumulation in the statistics pass: the kernel against the same loop (and the same
// prefetch of the next run) with Float lanes, on 100×64×REST Float (REST a multiple of 16).
// Usage: float_lanes REST (best of 9, wall time).
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
typedef float vf8 __attribute__((vector_size(32)));
typedef float vf8u __attribute__((vector_size(32), aligned(4), may_alias));
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static void stats_float(const float *x, long n, long c, long rest, float *mean, float *sq) {
    for (long ch = 0; ch < c; ch++) {
        vf8 a0 = {}, a1 = {};
        for (long i = 0; i < n; i++) { const float *p = x + (i * c + ch) * rest; long ahead = i + 1 < n ? c * rest : 0;
            for (long k = 0; k + 16 <= rest; k += 16) { __builtin_prefetch(p + k + ahead); a0 += *(const vf8u *)(p + k); a1 += *(const vf8u *)(p + k + 8); } }
        vf8 s = a0 + a1; float mu = 0; for (int j = 0; j < 8; j++) mu += s[j]; mu /= (float)(n * rest);
        a0 = (vf8){}; a1 = (vf8){};
        for (long i = 0; i < n; i++) { const float *p = x + (i * c + ch) * rest;
            for (long k = 0; k + 16 <= rest; k += 16) { vf8 d0 = *(const vf8u *)(p + k) - mu, d1 = *(const vf8u *)(p + k + 8) - mu; a0 += d0 * d0; a1 += d1 * d1; } }
        s = a0 + a1; float q = 0; for (int j = 0; j < 8; j++) q += s[j];
        mean[ch] = mu; sq[ch] = q;
    }
}
int main(int argc, char **argv) {
    long n = 100, c = 64, rest = atol(argv[1]), N = n * c * rest;
    float *x = malloc(N * 4), mean[64], sq[64];
    for (long i = 0; i < N; i++) x[i] = (float)((i * 7919) % 1000) / 100.0f - 4;
    double bd = 1e9, bf = 1e9;
    for (int r = 0; r < 9; r++) {
        double t0 = now(); mixup_bn_statistics_f32(x, n, c, rest, mean, sq); double t1 = now();
        stats_float(x, n, c, rest, mean, sq); double t2 = now();
        if (t1 - t0 < bd) bd = t1 - t0; if (t2 - t1 < bf) bf = t2 - t1;
    }
    printf("rest %ld (%.1f MB): double lanes %.2f ms, float lanes %.2f ms\n", rest, N * 4 / 1e6, bd * 1e3, bf * 1e3);
}
