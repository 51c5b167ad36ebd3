// Times the batch-norm kernels (CKernels/BatchNorm.c) on a PreActResNet-18 first-stage activation,
// 100×64×32×32 Float, against memcpy of one tensor: what bounds them is memory bandwidth.
// Usage: bench THREADS (best of 9, wall time).
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
#define BEST(expr, reps) ({ double best = 1e9; for (int r_ = 0; r_ < reps; r_++) { double t0 = now(); expr; double t = now() - t0; if (t < best) best = t; } best; })
int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    mixup_kernels_set_threads(threads);
    long n = 100, c = 64, rest = 32 * 32, N = n * c * rest;
    float *x = malloc(N * 4), *g = malloc(N * 4), *z = malloc(N * 4), *dx = malloc(N * 4), *t = malloc(N * 4), *dt = malloc(N*4);
    float mean[64], sq[64], inv[64], gamma[64], beta[64], dg[64], db[64];
    for (long i = 0; i < N; i++) { x[i] = (float)((i * 7919) % 1000) / 100.0f - 4; g[i] = (float)((i * 104729) % 2000) / 1000.0f - 1; t[i] = g[i]*0.5f; }
    for (int ch = 0; ch < 64; ch++) { gamma[ch] = 1; beta[ch] = 0.1f; }
    double ts = BEST(mixup_bn_statistics_f32(x, n, c, rest, mean, sq), 9);
    for (int ch = 0; ch < 64; ch++) inv[ch] = 1 / __builtin_sqrtf(sq[ch] / (n * rest) + 1e-5f);
    double tf = BEST(mixup_bn_relu_forward_f32(x, n, c, rest, mean, inv, gamma, beta, z), 9);
    double tb = BEST(mixup_bn_relu_backward_f32(g, x, z, n, c, rest, mean, inv, gamma, dx, dg, db), 9);
    double tt = BEST(mixup_bn_relu_tangent_f32(t, z, n, c, rest, inv, gamma, dt), 9);
    double ttb = BEST(mixup_bn_relu_tangent_backward_f32(g, t, x, z, n, c, rest, mean, inv, gamma, dt, dx, dg), 9);
    double tm = BEST(memcpy(dx, x, N * 4), 9);
    double mb = N * 4 / 1e6;
    printf("threads %d, %ld elements (%.1f MB per tensor)\n", threads, N, mb);
    printf("memcpy             %7.2f ms  %5.1f GB/s (read+write)\n", tm * 1e3, 2 * mb / tm / 1e3);
    printf("statistics         %7.2f ms  %5.1f GB/s (2 reads)\n", ts * 1e3, 2 * mb / ts / 1e3);
    printf("relu_forward       %7.2f ms  %5.1f GB/s (read+write)\n", tf * 1e3, 2 * mb / tf / 1e3);
    printf("relu_backward      %7.2f ms  %5.1f GB/s (3 reads, 3 re-reads, 1 write)\n", tb * 1e3, 7 * mb / tb / 1e3);
    printf("relu_tangent       %7.2f ms  %5.1f GB/s (2 reads, 1 write)\n", tt * 1e3, 3 * mb / tt / 1e3);
    printf("relu_tangent_bwd   %7.2f ms  %5.1f GB/s (3 reads, 3 re-reads, 2 writes)\n", ttb * 1e3, 8 * mb / ttb / 1e3);
    return 0;
}
