// Direct stride-1 convolution and its weight gradient, vectorised along output rows.
// For few channels (LeNet's 1→6 and 6→16, first layers on images or spectrograms) im2col + GEMM
// spends most of its time copying patches into a matrix with 6 or 16 rows that OpenBLAS cannot
// use well; here each output row is a handful of 64-byte vectors accumulated in registers.
// The input (and, for the weight gradient, the output gradient) is first copied into a zero-padded
// buffer whose rows are a whole number of vectors wide, so inner loops have no bounds checks.
// With several threads the forward pass splits samples and the weight gradient splits output
// channels: every output element is still summed by one thread in the same order.

#include "CKernels.h"
#include <stdlib.h>

#include "Clones.h"

// dst[0..<n] = src[0..<n] for short rows (5–30 elements, where a libc memcpy call costs more than
// the copy), in fixed-size inline moves that clang cannot turn back into a call.
static inline void copy_bytes(char *d, const char *s, size_t bytes) {
    for (; bytes >= 32; d += 32, s += 32, bytes -= 32) __builtin_memcpy_inline(d, s, 32);
    if (bytes >= 16) { __builtin_memcpy_inline(d, s, 16); d += 16; s += 16; bytes -= 16; }
    if (bytes >= 8) { __builtin_memcpy_inline(d, s, 8); d += 8; s += 8; bytes -= 8; }
    if (bytes >= 4) __builtin_memcpy_inline(d, s, 4);
}
#define COPY_ROW(dst, src, n) copy_bytes((char *)(dst), (const char *)(src), (size_t)(n) * sizeof(*(dst)))

typedef float vf32 __attribute__((vector_size(64), aligned(4), may_alias));
typedef double vf64 __attribute__((vector_size(64), aligned(8), may_alias));

static inline long round_up(long a, long b) { return (a + b - 1) / b * b; }

// The arguments of one convolution call, shared by its tasks.
typedef struct {
    const void *x, *weight, *bias, *gy;
    void *y, *dweight, *dbias;
    long n, c, h, w, o, kh, kw, padH, padW;
    int tasks;
    int failed;   // set (to 1) by any task that could not allocate its scratch memory
} conv_job;

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

// Task t of the forward pass: samples n·t/tasks … n·(t+1)/tasks − 1.
#define DEFINE_CONV_FORWARD(NAME, T, VT, L)                                                  \
MIXUP_CLONES static void NAME##_task(void *context, int task) {                             \
    conv_job *job = context;                                                                 \
    const T *x = job->x, *weight = job->weight, *bias = job->bias;                           \
    T *y = job->y;                                                                           \
    long n = job->n, c = job->c, h = job->h, w = job->w, o = job->o;                         \
    long kh = job->kh, kw = job->kw, padH = job->padH, padW = job->padW;                     \
    long oh = h + 2 * padH - kh + 1, ow = w + 2 * padW - kw + 1;                             \
    long owp = round_up(ow, L), wp = owp + kw - 1, hp = h + 2 * padH, plane = hp * wp;       \
    long filter = c * kh * kw;                                                               \
    long channelBlock = owp >= 2 * L ? 2 : 4;                                                \
    long first = n * task / job->tasks, end = n * (task + 1) / job->tasks;                   \
    T *xp = calloc((size_t)(c * plane), sizeof(T));                                          \
    if (!xp) { __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED); return; }                \
    for (long s = first; s < end; s++) {                                                     \
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
}                                                                                            \
                                                                                             \
int NAME(const T *x, long n, long c, long h, long w,                                        \
         const T *weight, long o, long kh, long kw, long padH, long padW,                   \
         const T *bias, T *y) {                                                              \
    long oh = h + 2 * padH - kh + 1, ow = w + 2 * padW - kw + 1;                             \
    if (n <= 0 || o <= 0 || oh <= 0 || ow <= 0) return 0;                                    \
    int threads = mixup_kernels_threads();                                                   \
    conv_job job = {x, weight, bias, 0, y, 0, 0, n, c, h, w, o, kh, kw, padH, padW,          \
                    threads < n ? threads : (int)n, 0};                                      \
    mixup_parallel_for(job.tasks, NAME##_task, &job);                                        \
    return job.failed ? -1 : 0;                                                              \
}

DEFINE_CONV_FORWARD(mixup_conv2d_direct_f32, float, vf32, 16)
DEFINE_CONV_FORWARD(mixup_conv2d_direct_f64, double, vf64, 8)

// KB consecutive kernel columns kj0 … kj0+KB−1 of one (output channel, input channel, kernel row)
// over the samples of one chunk: every padded output-gradient row times the matching shifted input
// row. The KB vector accumulators live in registers inside the chunk and in `vacc` between chunks,
// so the sum runs over samples, rows and columns in the same order however the batch is chunked.
#define WEIGHT_BLOCK(T, VT, L, KB)                                                           \
    {                                                                                        \
        VT *va = vacc + (((oo - o0) * c + ci) * kh + ki) * kw + kj0;                         \
        VT acc[KB];                                                                          \
        for (int j = 0; j < KB; j++) acc[j] = va[j];                                         \
        for (long s = 0; s < chunk; s++) {                                                   \
            for (long oy = 0; oy < oh; oy++) {                                               \
                const T *g = gp + ((s * ol + (oo - o0)) * oh + oy) * owp;                    \
                const T *r = xp + ((s * c + ci) * hp + oy + ki) * wp + kj0;                  \
                for (long t = 0; t < owp; t += L) {                                          \
                    VT gv = *(const VT *)(g + t);                                            \
                    for (int j = 0; j < KB; j++) acc[j] += gv * *(const VT *)(r + t + j);   \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
        for (int j = 0; j < KB; j++) va[j] = acc[j];                                         \
    }

// Task t of the weight gradient: output channels o·t/tasks … o·(t+1)/tasks − 1, over the whole
// batch in chunks whose padded input and output gradient stay in L2 while every (output channel,
// input channel, kernel row) pass reads them. The bias gradient (row sums of gy) comes out of the
// same copy when dbias is not NULL.
#define DEFINE_CONV_WEIGHT_GRAD(NAME, T, VT, L)                                              \
MIXUP_CLONES static void NAME##_task(void *context, int task) {                             \
    conv_job *job = context;                                                                 \
    const T *x = job->x, *gy = job->gy;                                                      \
    T *dweight = job->dweight, *dbias = job->dbias;                                          \
    long n = job->n, c = job->c, h = job->h, w = job->w, o = job->o;                         \
    long kh = job->kh, kw = job->kw, padH = job->padH, padW = job->padW;                     \
    long oh = h + 2 * padH - kh + 1, ow = w + 2 * padW - kw + 1;                             \
    long owp = round_up(ow, L), wp = owp + kw - 1, hp = h + 2 * padH;                        \
    long o0 = o * task / job->tasks, ol = o * (task + 1) / job->tasks - o0;                  \
    long perSample = c * hp * wp + ol * oh * owp;                                            \
    long maxChunk = (long)(192 * 1024 / sizeof(T)) / perSample;                              \
    maxChunk = maxChunk < 1 ? 1 : (maxChunk > n ? n : maxChunk);                             \
    long taps = ol * c * kh * kw;                                                            \
    T *xp = calloc((size_t)(maxChunk * c * hp * wp), sizeof(T));                             \
    T *gp = calloc((size_t)(maxChunk * ol * oh * owp), sizeof(T));                          \
    VT *vacc = calloc((size_t)taps, sizeof(VT));                                             \
    VT *bacc = calloc((size_t)ol, sizeof(VT));                                               \
    if (!xp || !gp || !vacc || !bacc) {                                                      \
        free(xp); free(gp); free(vacc); free(bacc);                                          \
        __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED);                                 \
        return;                                                                              \
    }                                                                                        \
    for (long start = 0; start < n; start += maxChunk) {                                     \
        long chunk = n - start < maxChunk ? n - start : maxChunk;                            \
        for (long sc = 0; sc < chunk * c; sc++)                                              \
            for (long iy = 0; iy < h; iy++)                                                  \
                COPY_ROW(xp + (sc * hp + iy + padH) * wp + padW,                             \
                         x + ((start * c + sc) * h + iy) * w, w);                            \
        for (long s = 0; s < chunk; s++)                                                     \
            for (long oo = 0; oo < ol; oo++)                                                 \
                for (long oy = 0; oy < oh; oy++)                                             \
                    COPY_ROW(gp + ((s * ol + oo) * oh + oy) * owp,                           \
                             gy + (((start + s) * o + o0 + oo) * oh + oy) * ow, ow);         \
        if (dbias)                                                                           \
            for (long s = 0; s < chunk; s++)                                                 \
                for (long oo = 0; oo < ol; oo++) {                                           \
                    const T *g = gp + (s * ol + oo) * oh * owp;                              \
                    VT acc = bacc[oo];                                                       \
                    for (long t = 0; t < oh * owp; t += L) acc += *(const VT *)(g + t);     \
                    bacc[oo] = acc;                                                          \
                }                                                                            \
        for (long oo = o0; oo < o0 + ol; oo++)                                               \
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
        dweight[o0 * c * kh * kw + t] += sum;                                                \
    }                                                                                        \
    if (dbias)                                                                               \
        for (long oo = 0; oo < ol; oo++) {                                                   \
            T sum = 0;                                                                       \
            for (int l = 0; l < L; l++) sum += bacc[oo][l];                                  \
            dbias[o0 + oo] += sum;                                                           \
        }                                                                                    \
    free(xp); free(gp); free(vacc); free(bacc);                                              \
}                                                                                            \
                                                                                             \
int NAME(const T *x, long n, long c, long h, long w,                                        \
         const T *gy, long o, long kh, long kw, long padH, long padW,                       \
         T *dweight, T *dbias) {                                                             \
    long oh = h + 2 * padH - kh + 1, ow = w + 2 * padW - kw + 1;                             \
    if (n <= 0 || o <= 0 || oh <= 0 || ow <= 0) return 0;                                    \
    int threads = mixup_kernels_threads();                                                   \
    conv_job job = {x, 0, 0, gy, 0, dweight, dbias, n, c, h, w, o, kh, kw, padH, padW,       \
                    threads < o ? threads : (int)o, 0};                                      \
    mixup_parallel_for(job.tasks, NAME##_task, &job);                                        \
    return job.failed ? -1 : 0;                                                              \
}

DEFINE_CONV_WEIGHT_GRAD(mixup_conv2d_weight_grad_f32, float, vf32, 16)
DEFINE_CONV_WEIGHT_GRAD(mixup_conv2d_weight_grad_f64, double, vf64, 8)
