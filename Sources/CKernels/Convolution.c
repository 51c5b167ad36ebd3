// Direct stride-1 convolution and its weight gradient, vectorised along output rows.
// For few channels (LeNet's 1→6 and 6→16, first layers on images or spectrograms) im2col + GEMM
// spends most of its time copying patches into a matrix with 6 or 16 rows that OpenBLAS cannot
// use well; here each output row is a handful of 64-byte vectors accumulated in registers.
// The input (and, for the weight gradient, the output gradient) is first copied into a zero-padded
// buffer whose rows are a whole number of vectors wide, so inner loops have no bounds checks.

#include "CKernels.h"
#include <stdlib.h>

// no_builtin("memcpy") keeps clang from turning the short row copies below back into libc calls:
// rows are 5–30 elements, where the call costs more than the copy.
#if defined(__x86_64__) && defined(__clang__)
#define MIXUP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), no_builtin("memcpy")))
#elif defined(__clang__)
#define MIXUP_CLONES __attribute__((no_builtin("memcpy")))
#else
#define MIXUP_CLONES
#endif

// dst[0..<n] = src[0..<n] for short rows, inlined (see no_builtin above).
#define COPY_ROW(dst, src, n)                                                                \
    do {                                                                                     \
        __typeof__(dst) d_ = (dst);                                                          \
        const __typeof__(*d_) *s_ = (src);                                                   \
        for (long i_ = 0; i_ < (n); i_++) d_[i_] = s_[i_];                                   \
    } while (0)

typedef float vf32 __attribute__((vector_size(64), aligned(4), may_alias));
typedef double vf64 __attribute__((vector_size(64), aligned(8), may_alias));

static inline long round_up(long a, long b) { return (a + b - 1) / b * b; }

// One output block: OB output channels from oo, NB vectors of output row oy from column t0.
// OB·NB ≤ 4 vectors of 64 bytes: eight independent AVX2 accumulator chains, enough to hide the
// FMA latency, while leaving registers for the shared input loads and the weight broadcasts.
#define FORWARD_BLOCK(T, VT, L, OB, NB)                                                      \
    {                                                                                        \
        VT acc[OB][NB];                                                                      \
        for (int b = 0; b < OB; b++)                                                         \
            for (int v = 0; v < NB; v++) acc[b][v] = (bias ? bias[oo + b] : (T)0) - (VT){};  \
        for (long ci = 0; ci < c; ci++) {                                                    \
            for (long ki = kiFirst; ki < kiEnd; ki++) {                                      \
                const T *r = xp + ci * plane + (oy + ki) * wp + t0;                          \
                const T *wk = weight + ((oo * c + ci) * kh + ki) * kw;                       \
                for (long kj = 0; kj < kw; kj++) {                                           \
                    VT xv[NB];                                                               \
                    for (int v = 0; v < NB; v++) xv[v] = *(const VT *)(r + kj + v * L);      \
                    for (int b = 0; b < OB; b++) {                                           \
                        T wb = wk[b * filter + kj];                                          \
                        for (int v = 0; v < NB; v++) acc[b][v] += wb * xv[v];                \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
        long count = ow - t0 < NB * L ? ow - t0 : NB * L;                                    \
        for (int b = 0; b < OB; b++) {                                                       \
            T out[NB * L];                                                                   \
            for (int v = 0; v < NB; v++) *(VT *)(out + v * L) = acc[b][v];                   \
            COPY_ROW(y + ((s * o + oo + b) * oh + oy) * ow + t0, out, count);                \
        }                                                                                    \
    }

#define DEFINE_CONV_FORWARD(NAME, T, VT, L)                                                  \
MIXUP_CLONES int NAME(const T *x, long n, long c, long h, long w,                           \
                      const T *weight, long o, long kh, long kw, long padH, long padW,      \
                      const T *bias, T *y) {                                                 \
    long oh = h + 2 * padH - kh + 1, ow = w + 2 * padW - kw + 1;                             \
    if (n <= 0 || o <= 0 || oh <= 0 || ow <= 0) return 0;                                    \
    long owp = round_up(ow, L), wp = owp + kw - 1, hp = h + 2 * padH, plane = hp * wp;       \
    long filter = c * kh * kw;                                                               \
    long channelBlock = owp >= 2 * L ? 2 : 4;                                                \
    T *xp = calloc((size_t)(c * plane), sizeof(T));                                          \
    if (!xp) return -1;                                                                      \
    for (long s = 0; s < n; s++) {                                                           \
        for (long ci = 0; ci < c; ci++)                                                      \
            for (long iy = 0; iy < h; iy++)                                                  \
                COPY_ROW(xp + ci * plane + (iy + padH) * wp + padW,                          \
                         x + ((s * c + ci) * h + iy) * w, w);                                \
        for (long oo = 0; oo < o; oo += channelBlock) {                                      \
            long ob = o - oo < channelBlock ? o - oo : channelBlock;                         \
            for (long oy = 0; oy < oh; oy++) {                                               \
                /* kernel rows that land on padding rows read only zeros: skip them */       \
                long kiFirst = padH > oy ? padH - oy : 0;                                    \
                long kiEnd = padH + h - oy < kh ? padH + h - oy : kh;                        \
                for (long t0 = 0; t0 < owp; t0 += 2 * L) {                                   \
                    long nb = owp - t0 >= 2 * L ? 2 : 1;                                     \
                    switch (ob * 4 + nb) {                                                   \
                    case 4 * 1 + 2: FORWARD_BLOCK(T, VT, L, 1, 2) break;                     \
                    case 4 * 2 + 2: FORWARD_BLOCK(T, VT, L, 2, 2) break;                     \
                    case 4 * 1 + 1: FORWARD_BLOCK(T, VT, L, 1, 1) break;                     \
                    case 4 * 2 + 1: FORWARD_BLOCK(T, VT, L, 2, 1) break;                     \
                    case 4 * 3 + 1: FORWARD_BLOCK(T, VT, L, 3, 1) break;                     \
                    default: FORWARD_BLOCK(T, VT, L, 4, 1) break;                            \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    free(xp);                                                                                \
    return 0;                                                                                \
}

DEFINE_CONV_FORWARD(mixup_conv2d_direct_f32, float, vf32, 16)
DEFINE_CONV_FORWARD(mixup_conv2d_direct_f64, double, vf64, 8)

// KB consecutive kernel columns kj0 … kj0+KB−1 of one (output channel, input channel, kernel row)
// over the samples of one chunk: every padded output-gradient row times the matching shifted input
// row. The KB vector accumulators live in registers inside the chunk and in `vacc` between chunks.
#define WEIGHT_BLOCK(T, VT, L, KB)                                                           \
    {                                                                                        \
        VT *va = vacc + ((oo * c + ci) * kh + ki) * kw + kj0;                                \
        VT acc[KB];                                                                          \
        for (int j = 0; j < KB; j++) acc[j] = va[j];                                         \
        for (long s = 0; s < chunk; s++) {                                                   \
            for (long oy = 0; oy < oh; oy++) {                                               \
                const T *g = gp + ((s * o + oo) * oh + oy) * owp;                            \
                const T *r = xp + ((s * c + ci) * hp + oy + ki) * wp + kj0;                  \
                for (long t = 0; t < owp; t += L) {                                          \
                    VT gv = *(const VT *)(g + t);                                            \
                    for (int j = 0; j < KB; j++) acc[j] += gv * *(const VT *)(r + t + j);   \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
        for (int j = 0; j < KB; j++) va[j] = acc[j];                                         \
    }

// Samples are processed in chunks whose padded input and output gradient stay in L2 while every
// (output channel, input channel, kernel row) pass reads them; the bias gradient (row sums of gy)
// comes out of the same copy when `dbias` is not NULL.
#define DEFINE_CONV_WEIGHT_GRAD(NAME, T, VT, L)                                              \
MIXUP_CLONES int NAME(const T *x, long n, long c, long h, long w,                           \
                      const T *gy, long o, long kh, long kw, long padH, long padW,          \
                      T *dweight, T *dbias) {                                                \
    long oh = h + 2 * padH - kh + 1, ow = w + 2 * padW - kw + 1;                             \
    if (n <= 0 || o <= 0 || oh <= 0 || ow <= 0) return 0;                                    \
    long owp = round_up(ow, L), wp = owp + kw - 1, hp = h + 2 * padH;                        \
    long perSample = c * hp * wp + o * oh * owp;                                             \
    long maxChunk = (long)(192 * 1024 / sizeof(T)) / perSample;                              \
    maxChunk = maxChunk < 1 ? 1 : (maxChunk > n ? n : maxChunk);                             \
    long taps = o * c * kh * kw;                                                             \
    T *xp = calloc((size_t)(maxChunk * c * hp * wp), sizeof(T));                             \
    T *gp = calloc((size_t)(maxChunk * o * oh * owp), sizeof(T));                           \
    VT *vacc = calloc((size_t)taps, sizeof(VT));                                             \
    VT *bacc = calloc((size_t)o, sizeof(VT));                                                \
    if (!xp || !gp || !vacc || !bacc) { free(xp); free(gp); free(vacc); free(bacc); return -1; } \
    for (long start = 0; start < n; start += maxChunk) {                                     \
        long chunk = n - start < maxChunk ? n - start : maxChunk;                            \
        for (long sc = 0; sc < chunk * c; sc++)                                              \
            for (long iy = 0; iy < h; iy++)                                                  \
                COPY_ROW(xp + (sc * hp + iy + padH) * wp + padW,                             \
                         x + ((start * c + sc) * h + iy) * w, w);                            \
        for (long so = 0; so < chunk * o * oh; so++)                                         \
            COPY_ROW(gp + so * owp, gy + (start * o * oh + so) * ow, ow);                    \
        if (dbias)                                                                           \
            for (long s = 0; s < chunk; s++)                                                 \
                for (long oo = 0; oo < o; oo++) {                                            \
                    const T *g = gp + (s * o + oo) * oh * owp;                               \
                    VT acc = bacc[oo];                                                       \
                    for (long t = 0; t < oh * owp; t += L) acc += *(const VT *)(g + t);     \
                    bacc[oo] = acc;                                                          \
                }                                                                            \
        for (long oo = 0; oo < o; oo++)                                                      \
            for (long ci = 0; ci < c; ci++)                                                  \
                for (long ki = 0; ki < kh; ki++)                                             \
                    for (long kj0 = 0; kj0 < kw; kj0 += 5) {                                 \
                        switch (kw - kj0 < 5 ? kw - kj0 : 5) {                               \
                        case 1: WEIGHT_BLOCK(T, VT, L, 1) break;                             \
                        case 2: WEIGHT_BLOCK(T, VT, L, 2) break;                             \
                        case 3: WEIGHT_BLOCK(T, VT, L, 3) break;                             \
                        case 4: WEIGHT_BLOCK(T, VT, L, 4) break;                             \
                        default: WEIGHT_BLOCK(T, VT, L, 5) break;                            \
                        }                                                                    \
                    }                                                                        \
    }                                                                                        \
    for (long t = 0; t < taps; t++) {                                                        \
        T sum = 0;                                                                           \
        for (int l = 0; l < L; l++) sum += vacc[t][l];                                       \
        dweight[t] += sum;                                                                   \
    }                                                                                        \
    if (dbias)                                                                               \
        for (long oo = 0; oo < o; oo++) {                                                    \
            T sum = 0;                                                                       \
            for (int l = 0; l < L; l++) sum += bacc[oo][l];                                  \
            dbias[oo] += sum;                                                                \
        }                                                                                    \
    free(xp); free(gp); free(vacc); free(bacc);                                              \
    return 0;                                                                                \
}

DEFINE_CONV_WEIGHT_GRAD(mixup_conv2d_weight_grad_f32, float, vf32, 16)
DEFINE_CONV_WEIGHT_GRAD(mixup_conv2d_weight_grad_f64, double, vf64, 8)
