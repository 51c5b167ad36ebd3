// The tile transforms of Winograd F(2×2, 3×3) convolution (Lavin & Gray, 2016); the GEMMs between
// them and the layouts are described in MixupCore's WinogradConvolution.swift. Transformed tensors
// are [16][rows][tiles] with `winograd_stride(rows, tiles)` elements between the 16 matrices, tile
// t = (sample·tilesHigh + ty)·tilesWide + tx, so the tiles of one tile row are adjacent in every
// matrix. Each kernel works on one tile row at a time and vectorises across its tiles: the
// transforms are additions only, and with the even and odd columns of the input (or output) rows
// split into separate short rows, tile tx reads element tx (and tx + 1) of each, so every load and
// store is a contiguous vector. The split rows live in a per-task scratch buffer that also provides
// the zero padding ring and the zeros beyond an odd far edge.
//
// With several threads the planes (sample, channel) are split into contiguous ranges, one per task;
// every output element is computed by one task with the same operations, so results are identical
// for every thread count. No contraction into fused multiply-adds (the clones and the Swift code
// these replace give the same bits).

#include "CKernels.h"
#include "Clones.h"
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

static inline long winograd_stride(long rows, long tiles) { return rows * tiles + 16; }

// The arguments of one transform call, shared by its tasks.
typedef struct {
    const void *src, *bias;
    void *dst;
    long samples, channels, h, w;
    long outputs, inputs;
    int transposed, tasks;
    int failed;   // set (to 1) by any task that could not allocate its scratch memory
} winograd_job;

static inline void range_of(long count, int task, int tasks, long *begin, long *end) {
    *begin = count * task / tasks;
    *end = count * (task + 1) / tasks;
}

static inline int task_count(int threads, long items) {
    if (threads < 1) threads = 1;
    return items < threads ? (int)(items < 1 ? 1 : items) : threads;
}

static void mark_failed(winograd_job *job) { __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED); }

// Planes narrower than this many tiles (w < 15) gather a channel's tiles of all samples into one
// long vector loop: a tile row of 2–7 tiles is too short to vectorise.
#define WINOGRAD_NARROW 8
// Channels a narrow plane's transforms handle together (their planes of one sample are adjacent).
#define WINOGRAD_BLOCK 8
// Filters the weight transform transforms before storing their 16 runs (64 bytes of Float per run).
#define WINOGRAD_WEIGHT_BLOCK 16

#define WINOGRAD_KERNELS(T, S)                                                                                  \
                                                                                                                \
/* The input transform of `count` tiles: d[k][j][t] = d_kj of tile t at p[4k + j][t]; writes */                \
/* V[ξ][t] = (Bᵀ d B)[ξ] for t < count into `out` (matrices xs apart). */                                      \
static inline __attribute__((always_inline))                                                                   \
void input_tiles_##S(const T *const p[16], T *restrict out, long xs, long count) {                             \
    const T *restrict d00 = p[0], *restrict d01 = p[1], *restrict d02 = p[2], *restrict d03 = p[3];            \
    const T *restrict d10 = p[4], *restrict d11 = p[5], *restrict d12 = p[6], *restrict d13 = p[7];            \
    const T *restrict d20 = p[8], *restrict d21 = p[9], *restrict d22 = p[10], *restrict d23 = p[11];          \
    const T *restrict d30 = p[12], *restrict d31 = p[13], *restrict d32 = p[14], *restrict d33 = p[15];        \
    _Pragma("clang loop vectorize(assume_safety)")                                                             \
    for (long t = 0; t < count; t++) {                                                                         \
        /* Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then the same on the columns. */                    \
        T r00 = d00[t] - d20[t], r01 = d01[t] - d21[t], r02 = d02[t] - d22[t], r03 = d03[t] - d23[t];          \
        T r10 = d10[t] + d20[t], r11 = d11[t] + d21[t], r12 = d12[t] + d22[t], r13 = d13[t] + d23[t];          \
        T r20 = d20[t] - d10[t], r21 = d21[t] - d11[t], r22 = d22[t] - d12[t], r23 = d23[t] - d13[t];          \
        T r30 = d10[t] - d30[t], r31 = d11[t] - d31[t], r32 = d12[t] - d32[t], r33 = d13[t] - d33[t];          \
        T *q = out + t;                                                                                        \
        q[0] = r00 - r02; q[xs] = r01 + r02; q[2 * xs] = r02 - r01; q[3 * xs] = r01 - r03;                     \
        q[4 * xs] = r10 - r12; q[5 * xs] = r11 + r12; q[6 * xs] = r12 - r11; q[7 * xs] = r11 - r13;            \
        q[8 * xs] = r20 - r22; q[9 * xs] = r21 + r22; q[10 * xs] = r22 - r21; q[11 * xs] = r21 - r23;          \
        q[12 * xs] = r30 - r32; q[13 * xs] = r31 + r32; q[14 * xs] = r32 - r31; q[15 * xs] = r31 - r33;        \
    }                                                                                                          \
}                                                                                                              \
                                                                                                               \
MIXUP_CLONES static void input_task_##S(void *context, int task) {                                             \
    winograd_job *job = context;                                                                               \
    const T *x = job->src;                                                                                     \
    T *v = job->dst;                                                                                           \
    long n = job->samples, c = job->channels, h = job->h, w = job->w, th = (h + 1) / 2, tw = (w + 1) / 2;      \
    long tiles = n * th * tw, xs = winograd_stride(c, tiles);                                                  \
    long first, end;                                                                                           \
    range_of(c, task, job->tasks, &first, &end);                                                               \
    if (first >= end) return;                                                                                  \
    /* Wide planes: padded row r (0 … 2·th + 1) holds input row r − 1, even columns at r·2·ew, odd */         \
    /* ones ew later, and each tile row is one vector loop. Narrow planes gather each tile's 16 inputs */       \
    /* into `gathered` ([block][16][tiles]) through a table of plane offsets (h·w: a zero) for a block */      \
    /* of channels, samples outside: the block's planes of a sample are adjacent in x (a channel's */          \
    /* planes of successive samples lie C planes apart, a cache and TLB miss each); then one long */           \
    /* loop per channel runs over all its tiles instead of tile rows of a few tiles. */                        \
    long ew = tw + 1, rows = 2 * th + 2, narrow = tw < WINOGRAD_NARROW, perPlane = th * tw;                    \
    long gs = tiles + 16;   /* between gathered streams, as winograd_stride */                                   \
    long scratch = narrow ? h * w + 1 + WINOGRAD_BLOCK * 16 * gs : 2 * ew * rows;                           \
    T *pad = calloc((size_t)scratch, sizeof(T));                                                               \
    long *table = narrow ? malloc(sizeof(long) * (size_t)(16 * perPlane)) : 0;                                 \
    if (!pad || (narrow && !table)) { free(pad); free(table); mark_failed(job); return; }                      \
    T *gathered = pad + h * w + 1;                                                                             \
    if (narrow)                                                                                                \
        for (int k = 0; k < 16; k++)                                                                           \
            for (long tt = 0; tt < perPlane; tt++) {                                                           \
                long iy = 2 * (tt / tw) + k / 4 - 1, ix = 2 * (tt % tw) + k % 4 - 1;                           \
                table[k * perPlane + tt] = iy >= 0 && iy < h && ix >= 0 && ix < w ? iy * w + ix : h * w;       \
            }                                                                                                  \
    long block = narrow ? WINOGRAD_BLOCK : 1;                                                                  \
    for (long c0 = first; c0 < end; c0 += block) {                                                             \
        long c1 = c0 + block < end ? c0 + block : end;                                                         \
        for (long s = 0; s < n; s++) {                                                                         \
            for (long ci = c0; ci < c1; ci++) {                                                                \
                const T *plane = x + (s * c + ci) * h * w;                                                     \
                if (narrow) {                                                                                  \
                    for (long q = 0; q < h * w; q++) pad[q] = plane[q];   /* pad[h·w] stays zero */            \
                    T *g = gathered + (ci - c0) * 16 * gs + s * perPlane;                                   \
                    for (int k = 0; k < 16; k++)                                                               \
                        for (long tt = 0; tt < perPlane; tt++) g[k * gs + tt] = pad[table[k * perPlane + tt]]; \
                    continue;                                                                                  \
                }                                                                                              \
                /* Padded column q holds input column q − 1: odd q = 2j + 1 ← 2j, even q = 2j + 2 ← 2j + 1. */ \
                /* Every plane writes the same positions, so the ring and the far edge stay zero. */           \
                for (long iy = 0; iy < h; iy++) {                                                              \
                    const T *restrict src = plane + iy * w;                                                    \
                    T *restrict e = pad + (iy + 1) * 2 * ew, *restrict o = e + ew;                             \
                    for (long j = 0; j < w / 2; j++) { o[j] = src[2 * j]; e[j + 1] = src[2 * j + 1]; }         \
                    if (w % 2) o[w / 2] = src[w - 1];                                                          \
                }                                                                                              \
                for (long ty = 0; ty < th; ty++) {                                                             \
                    const T *r = pad + 2 * ty * 2 * ew;   /* row k: even at r + 2k·ew, odd at r + (2k+1)·ew */ \
                    const T *p[16];                                                                            \
                    for (int k = 0; k < 4; k++) {                                                              \
                        const T *e = r + 2 * k * ew, *o = e + ew;                                              \
                        p[4 * k] = e; p[4 * k + 1] = o; p[4 * k + 2] = e + 1; p[4 * k + 3] = o + 1;            \
                    }                                                                                          \
                    input_tiles_##S(p, v + ci * tiles + (s * th + ty) * tw, xs, tw);                           \
                }                                                                                              \
            }                                                                                                  \
        }                                                                                                      \
        if (narrow)                                                                                            \
            for (long ci = c0; ci < c1; ci++) {                                                                \
                const T *p[16];                                                                                \
                for (int k = 0; k < 16; k++) p[k] = gathered + ((ci - c0) * 16 + k) * gs;                   \
                input_tiles_##S(p, v + ci * tiles, xs, tiles);                                                 \
            }                                                                                                  \
    }                                                                                                          \
    free(pad); free(table);                                                                                    \
}                                                                                                              \
                                                                                                               \
int mixup_winograd_input_##S(const T *x, long samples, long channels, long h, long w, T *v, int threads) {     \
    winograd_job job = { .src = x, .dst = v, .samples = samples, .channels = channels, .h = h, .w = w };       \
    job.tasks = task_count(threads, channels);                                                                 \
    mixup_parallel_for(job.tasks, input_task_##S, &job);                                                       \
    return job.failed ? -1 : 0;                                                                                \
}                                                                                                              \
                                                                                                               \
/* The output transform of `count` tiles: (Aᵀ M A)[i][j] + b of tile t into y00[t] (e0), y01 (o0), */          \
/* y10 (e1) and y11 (o1). */                                                                                   \
static inline void output_tiles_##S(const T *restrict q, long xs, long count, T b, T *restrict e0,             \
                                    T *restrict o0, T *restrict e1, T *restrict o1) {                          \
    _Pragma("clang loop vectorize(assume_safety)")                                                             \
    for (long tx = 0; tx < count; tx++) {                                                                      \
        T m00 = q[tx], m01 = q[xs + tx], m02 = q[2 * xs + tx], m03 = q[3 * xs + tx];                           \
        T m10 = q[4 * xs + tx], m11 = q[5 * xs + tx], m12 = q[6 * xs + tx], m13 = q[7 * xs + tx];              \
        T m20 = q[8 * xs + tx], m21 = q[9 * xs + tx], m22 = q[10 * xs + tx], m23 = q[11 * xs + tx];            \
        T m30 = q[12 * xs + tx], m31 = q[13 * xs + tx], m32 = q[14 * xs + tx], m33 = q[15 * xs + tx];          \
        /* Aᵀ M: rows m0 + m1 + m2 and m1 − m2 − m3; then the same on the columns. */                         \
        T a0 = m00 + m10 + m20, a1 = m01 + m11 + m21, a2 = m02 + m12 + m22, a3 = m03 + m13 + m23;              \
        T c0 = m10 - m20 - m30, c1 = m11 - m21 - m31, c2 = m12 - m22 - m32, c3 = m13 - m23 - m33;              \
        e0[tx] = a0 + a1 + a2 + b; o0[tx] = a1 - a2 - a3 + b;                                                  \
        e1[tx] = c0 + c1 + c2 + b; o1[tx] = c1 - c2 - c3 + b;                                                  \
    }                                                                                                          \
}                                                                                                              \
                                                                                                               \
/* y[2j] = e[j], y[2j + 1] = o[j] for the w columns of one output row. */                                      \
static inline void interleave_row_##S(const T *restrict e, const T *restrict o, T *restrict y, long w) {      \
    for (long j = 0; j < w / 2; j++) { y[2 * j] = e[j]; y[2 * j + 1] = o[j]; }                                 \
    if (w % 2) y[w - 1] = e[w / 2];                                                                            \
}                                                                                                              \
                                                                                                               \
MIXUP_CLONES static void output_task_##S(void *context, int task) {                                            \
    winograd_job *job = context;                                                                               \
    const T *m = job->src, *bias = job->bias;                                                                  \
    T *y = job->dst;                                                                                           \
    long n = job->samples, c = job->channels, h = job->h, w = job->w, th = (h + 1) / 2, tw = (w + 1) / 2;      \
    long tiles = n * th * tw, xs = winograd_stride(c, tiles);                                                  \
    long first, end;                                                                                           \
    range_of(c, task, job->tasks, &first, &end);                                                               \
    if (first >= end) return;                                                                                  \
    /* Narrow planes transform all tiles of a block of channels, one loop per channel, into */                 \
    /* [block][4][tiles], then write them out samples outside, so the block's planes of a sample are */        \
    /* adjacent in y; wide ones go a tile row at a time through [4][tw]. */                                    \
    long narrow = tw < WINOGRAD_NARROW, span = narrow ? tiles : tw, block = narrow ? WINOGRAD_BLOCK : 1;       \
    T *rows = malloc(sizeof(T) * (size_t)(4 * span * block));                                                 \
    if (!rows) { mark_failed(job); return; }                                                                   \
    for (long c0 = first; c0 < end; c0 += block) {                                                             \
        long c1 = c0 + block < end ? c0 + block : end;                                                         \
        if (narrow)                                                                                            \
            for (long oc = c0; oc < c1; oc++) {                                                                \
                T *e0 = rows + (oc - c0) * 4 * span;                                                           \
                output_tiles_##S(m + oc * tiles, xs, tiles, bias ? bias[oc] : (T)0, e0, e0 + span,             \
                                 e0 + 2 * span, e0 + 3 * span);                                                \
            }                                                                                                  \
        for (long s = 0; s < n; s++) {                                                                         \
            for (long oc = c0; oc < c1; oc++) {                                                                \
                T *plane = y + (s * c + oc) * h * w;                                                           \
                T *e0 = rows + (oc - c0) * 4 * span, *o0 = e0 + span, *e1 = o0 + span, *o1 = e1 + span;       \
                for (long ty = 0; ty < th; ty++) {                                                             \
                    long t0 = (s * th + ty) * tw, at = narrow ? t0 : 0;                                        \
                    if (!narrow) output_tiles_##S(m + oc * tiles + t0, xs, tw, bias ? bias[oc] : (T)0, e0, o0, e1, o1); \
                    interleave_row_##S(e0 + at, o0 + at, plane + 2 * ty * w, w);                               \
                    if (2 * ty + 1 < h) interleave_row_##S(e1 + at, o1 + at, plane + (2 * ty + 1) * w, w);     \
                }                                                                                              \
            }                                                                                                  \
        }                                                                                                      \
    }                                                                                                          \
    free(rows);                                                                                                \
}                                                                                                              \
                                                                                                               \
int mixup_winograd_output_##S(const T *m, long samples, long channels, long h, long w, const T *bias, T *y,   \
                              int threads) {                                                                   \
    winograd_job job = { .src = m, .bias = bias, .dst = y, .samples = samples, .channels = channels,           \
                         .h = h, .w = w };                                                                     \
    job.tasks = task_count(threads, channels);                                                                 \
    mixup_parallel_for(job.tasks, output_task_##S, &job);                                                      \
    return job.failed ? -1 : 0;                                                                                \
}                                                                                                              \
                                                                                                               \
/* The output transform's adjoint of `count` tiles: ∂M[ξ][t] = (A ∂y Aᵀ)[ξ] from the tile's ∂y */             \
/* (y00 = e0, y01 = o0, y10 = e1, y11 = o1; zeros outside the output). */                                      \
static inline void output_adjoint_tiles_##S(const T *restrict e0, const T *restrict o0, const T *restrict e1, \
                                            const T *restrict o1, T *restrict q, long xs, long count) {        \
    _Pragma("clang loop vectorize(assume_safety)")                                                             \
    for (long tx = 0; tx < count; tx++) {                                                                      \
        T y00 = e0[tx], y01 = o0[tx], y10 = e1[tx], y11 = o1[tx];                                              \
        /* A ∂y: rows y0, y0 + y1, y0 − y1, −y1; columns (a, b) → (a, a + b, a − b, −b). */                   \
        T a1 = y00 + y10, b1 = y01 + y11, a2 = y00 - y10, b2 = y01 - y11, a3 = -y10, b3 = -y11;                \
        q[tx] = y00; q[xs + tx] = y00 + y01; q[2 * xs + tx] = y00 - y01; q[3 * xs + tx] = -y01;                \
        q[4 * xs + tx] = a1; q[5 * xs + tx] = a1 + b1; q[6 * xs + tx] = a1 - b1; q[7 * xs + tx] = -b1;         \
        q[8 * xs + tx] = a2; q[9 * xs + tx] = a2 + b2; q[10 * xs + tx] = a2 - b2; q[11 * xs + tx] = -b2;       \
        q[12 * xs + tx] = a3; q[13 * xs + tx] = a3 + b3; q[14 * xs + tx] = a3 - b3; q[15 * xs + tx] = -b3;     \
    }                                                                                                          \
}                                                                                                              \
                                                                                                               \
/* e[j] = y[2j], o[j] = y[2j + 1] for one ∂y row of w columns, zero beyond it (tw entries each). */            \
static inline void split_row_##S(const T *restrict y, long w, T *restrict e, T *restrict o) {                 \
    for (long j = 0; j < w / 2; j++) { e[j] = y[2 * j]; o[j] = y[2 * j + 1]; }                                 \
    if (w % 2) { e[w / 2] = y[w - 1]; o[w / 2] = 0; }                                                          \
}                                                                                                              \
                                                                                                               \
MIXUP_CLONES static void output_adjoint_task_##S(void *context, int task) {                                    \
    winograd_job *job = context;                                                                               \
    const T *dy = job->src;                                                                                    \
    T *dm = job->dst;                                                                                          \
    long n = job->samples, c = job->channels, h = job->h, w = job->w, th = (h + 1) / 2, tw = (w + 1) / 2;      \
    long tiles = n * th * tw, xs = winograd_stride(c, tiles);                                                  \
    long first, end;                                                                                           \
    range_of(c, task, job->tasks, &first, &end);                                                               \
    if (first >= end) return;                                                                                  \
    /* Narrow planes gather the ∂y of a block of channels into [block][4][tiles] through a table of */         \
    /* plane offsets (h·w: a zero), samples outside (the block's planes of a sample are adjacent in */         \
    /* ∂y), then run one loop per channel over all its tiles; wide ones split a tile row at a time */          \
    /* into [4][tw]. */                                                                                        \
    long narrow = tw < WINOGRAD_NARROW, span = narrow ? tiles + 16 : tw, block = narrow ? WINOGRAD_BLOCK : 1;  \
    long perPlane = th * tw;                                                                                   \
    T *rows = calloc((size_t)(4 * span * block + (narrow ? h * w + 1 : 0)), sizeof(T));                        \
    long *table = narrow ? malloc(sizeof(long) * (size_t)(4 * perPlane)) : 0;                                  \
    if (!rows || (narrow && !table)) { free(rows); free(table); mark_failed(job); return; }                    \
    T *copy = rows + 4 * span * block;                                                                         \
    if (narrow)                                                                                                \
        for (int k = 0; k < 4; k++)                                                                            \
            for (long tt = 0; tt < perPlane; tt++) {                                                           \
                long iy = 2 * (tt / tw) + k / 2, ix = 2 * (tt % tw) + k % 2;                                   \
                table[k * perPlane + tt] = iy < h && ix < w ? iy * w + ix : h * w;                             \
            }                                                                                                  \
    for (long c0 = first; c0 < end; c0 += block) {                                                             \
        long c1 = c0 + block < end ? c0 + block : end;                                                         \
        for (long s = 0; s < n; s++) {                                                                         \
            for (long oc = c0; oc < c1; oc++) {                                                                \
                const T *plane = dy + (s * c + oc) * h * w;                                                    \
                T *e0 = rows + (oc - c0) * 4 * span, *o0 = e0 + span, *e1 = o0 + span, *o1 = e1 + span;       \
                if (narrow) {                                                                                  \
                    for (long q = 0; q < h * w; q++) copy[q] = plane[q];   /* copy[h·w] stays zero */          \
                    for (int k = 0; k < 4; k++)                                                                \
                        for (long tt = 0; tt < perPlane; tt++)                                                 \
                            e0[k * span + s * perPlane + tt] = copy[table[k * perPlane + tt]];                 \
                    continue;                                                                                  \
                }                                                                                              \
                for (long ty = 0; ty < th; ty++) {                                                             \
                    split_row_##S(plane + 2 * ty * w, w, e0, o0);                                              \
                    if (2 * ty + 1 < h) split_row_##S(plane + (2 * ty + 1) * w, w, e1, o1);                    \
                    else for (long j = 0; j < tw; j++) { e1[j] = 0; o1[j] = 0; }                               \
                    output_adjoint_tiles_##S(e0, o0, e1, o1, dm + oc * tiles + (s * th + ty) * tw, xs, tw);    \
                }                                                                                              \
            }                                                                                                  \
        }                                                                                                      \
        if (narrow)                                                                                            \
            for (long oc = c0; oc < c1; oc++) {                                                                \
                T *e0 = rows + (oc - c0) * 4 * span;                                                           \
                output_adjoint_tiles_##S(e0, e0 + span, e0 + 2 * span, e0 + 3 * span, dm + oc * tiles, xs, tiles); \
            }                                                                                                  \
    }                                                                                                          \
    free(rows); free(table);                                                                                   \
}                                                                                                              \
                                                                                                               \
int mixup_winograd_output_adjoint_##S(const T *dy, long samples, long channels, long h, long w, T *dm,         \
                                      int threads) {                                                           \
    winograd_job job = { .src = dy, .dst = dm, .samples = samples, .channels = channels, .h = h, .w = w };     \
    job.tasks = task_count(threads, channels);                                                                 \
    mixup_parallel_for(job.tasks, output_adjoint_task_##S, &job);                                              \
    return job.failed ? -1 : 0;                                                                                \
}                                                                                                              \
                                                                                                               \
MIXUP_CLONES static void weight_task_##S(void *context, int task) {                                            \
    winograd_job *job = context;                                                                               \
    const T *wt = job->src;                                                                                    \
    T *u = job->dst;                                                                                           \
    long outputs = job->outputs, inputs = job->inputs, stride = outputs * inputs;                              \
    int transposed = job->transposed;                                                                          \
    const T half = (T)0.5;                                                                                     \
    long first, end;                                                                                           \
    range_of(outputs, task, job->tasks, &first, &end);                                                        \
    /* Writes run along the innermost index: c for U[ξ][o][c], o for the transposed U[ξ][c][o]. The 16 */      \
    /* matrices lie O·C apart (1 MB for 512 × 512 in Float), so their lines share cache sets: a block */       \
    /* of WINOGRAD_WEIGHT_BLOCK filters is transformed into `block` first and then stored as 16 runs, */       \
    /* each filling whole lines, instead of 16 scattered elements per filter. */                               \
    long outer = transposed ? inputs : end - first, inner = transposed ? end - first : inputs;                 \
    for (long p = 0; p < outer; p++) {                                                                         \
        for (long q0 = 0; q0 < inner; q0 += WINOGRAD_WEIGHT_BLOCK) {                                           \
            long count = inner - q0 < WINOGRAD_WEIGHT_BLOCK ? inner - q0 : WINOGRAD_WEIGHT_BLOCK;              \
            T block[16][WINOGRAD_WEIGHT_BLOCK];                                                                \
            for (long k = 0; k < count; k++) {                                                                 \
                long q = q0 + k, o = transposed ? first + q : first + p, c = transposed ? p : q;               \
                const T *f = wt + (o * inputs + c) * 9;                                                        \
                T g[9];                                                                                        \
                for (int e = 0; e < 9; e++) g[e] = transposed ? f[8 - e] : f[e];                               \
                /* Rows of G g (4×3), then (G g) Gᵀ along each row. */                                         \
                T r[12];                                                                                       \
                for (int j = 0; j < 3; j++) {                                                                  \
                    T g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];                                                 \
                    r[j] = g0; r[3 + j] = half * (g0 + g1 + g2); r[6 + j] = half * (g0 - g1 + g2); r[9 + j] = g2;\
                }                                                                                              \
                for (int i = 0; i < 4; i++) {                                                                  \
                    T a = r[3 * i], b = r[3 * i + 1], d = r[3 * i + 2];                                        \
                    block[4 * i][k] = a;                                                                       \
                    block[4 * i + 1][k] = half * (a + b + d);                                                  \
                    block[4 * i + 2][k] = half * (a - b + d);                                                  \
                    block[4 * i + 3][k] = d;                                                                   \
                }                                                                                              \
            }                                                                                                  \
            long o0 = transposed ? first + q0 : first + p, c0 = transposed ? p : q0;                           \
            long offset = transposed ? c0 * outputs + o0 : o0 * inputs + c0;   /* of filter q0; q0 + k is k later */\
            for (int xi = 0; xi < 16; xi++)                                                                    \
                for (long k = 0; k < count; k++) u[xi * stride + offset + k] = block[xi][k];                   \
        }                                                                                                      \
    }                                                                                                          \
}                                                                                                              \
                                                                                                               \
void mixup_winograd_weight_##S(const T *weight, long outputs, long inputs, int transposed, T *u, int threads) { \
    winograd_job job = { .src = weight, .dst = u, .outputs = outputs, .inputs = inputs,                        \
                         .transposed = transposed };                                                           \
    job.tasks = task_count(threads, outputs);                                                                  \
    mixup_parallel_for(job.tasks, weight_task_##S, &job);                                                      \
}                                                                                                              \
                                                                                                               \
MIXUP_CLONES static void weight_adjoint_task_##S(void *context, int task) {                                    \
    winograd_job *job = context;                                                                               \
    const T *du = job->src;                                                                                    \
    T *dw = job->dst;                                                                                          \
    long outputs = job->outputs, inputs = job->inputs, stride = outputs * inputs;                              \
    const T half = (T)0.5;                                                                                     \
    long first, end;                                                                                           \
    range_of(outputs, task, job->tasks, &first, &end);                                                        \
    for (long o = first; o < end; o++) {                                                                       \
        for (long c = 0; c < inputs; c++) {                                                                    \
            long offset = o * inputs + c;                                                                      \
            T *f = dw + offset * 9;                                                                            \
            T r[12];                                                                                           \
            /* Rows: Gᵀ ∂U (3×4). */                                                                          \
            for (int j = 0; j < 4; j++) {                                                                      \
                T u0 = du[j * stride + offset], u1 = du[(4 + j) * stride + offset];                            \
                T u2 = du[(8 + j) * stride + offset], u3 = du[(12 + j) * stride + offset];                     \
                r[j] = u0 + half * (u1 + u2); r[4 + j] = half * (u1 - u2); r[8 + j] = half * (u1 + u2) + u3;  \
            }                                                                                                  \
            /* Columns: (Gᵀ ∂U) G (3×3). */                                                                   \
            for (int i = 0; i < 3; i++) {                                                                      \
                T a = r[4 * i], b = r[4 * i + 1], d = r[4 * i + 2], e = r[4 * i + 3];                          \
                f[3 * i] = a + half * (b + d); f[3 * i + 1] = half * (b - d); f[3 * i + 2] = half * (b + d) + e; \
            }                                                                                                  \
        }                                                                                                      \
    }                                                                                                          \
}                                                                                                              \
                                                                                                               \
void mixup_winograd_weight_adjoint_##S(const T *du, long outputs, long inputs, T *dw, int threads) {          \
    winograd_job job = { .src = du, .dst = dw, .outputs = outputs, .inputs = inputs };                         \
    job.tasks = task_count(threads, outputs);                                                                  \
    mixup_parallel_for(job.tasks, weight_adjoint_task_##S, &job);                                              \
}

WINOGRAD_KERNELS(float, f32)
WINOGRAD_KERNELS(double, f64)
