// im2col for convolution as a GEMM: the unfolding of the windows of x [samples, channels, h, w]
// into the patch matrix cols [channels·kh·kw, samples·oh·ow], and its adjoint, the folding of a
// patch-matrix gradient back onto the input (col2im). The bodies live in Im2colBody.h, included
// once per precision below; MixupCore's ConvolutionKernels.swift runs the GEMMs around them.
//
// The layout trick. Each (sample, channel) plane is first copied into a scratch plane with the zero
// padding around it and, for stride s > 1, its columns split into s phases: padded column
// ix' = ix + pad goes to phase ix' mod s, position ix' / s. Window tap (ki, kj) of output row oy
// then reads padded row s·oy + ki, phase kj mod s, positions kj / s … kj / s + ow − 1 — one
// contiguous run, with no bounds checks: every row of cols is a series of plain vector copies. The
// fold runs the same copies backwards as additions into a zeroed scratch plane, then crops the
// padding and interleaves the phases into dx. Unpadded stride-1 planes need no scratch for the
// unfolding, and unpadded 1×1 windows are a strided gather (a copy at stride 1) and a scatter.
//
// Reproducibility. The (sample, channel) planes are split into contiguous ranges, one per task;
// each element of cols and of dx is written by one task. A dx element is 0 plus its patch entries
// in row order (ki, then kj) — the order of the Swift loops these replace — whatever the thread
// count or the clone (no contraction, and additions only), so results are bit-identical.

#include "CKernels.h"
#include "Clones.h"
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

// Rows of cols are often a few elements long (res4's 4×4 planes): an empty volatile asm in the copy
// loops keeps clang from turning them into calls to memcpy, whose call overhead would dominate.
#define IM_KEEP_LOOP() __asm__ __volatile__("")

// The geometry of one call, shared by its tasks, and its derived sizes.
typedef struct {
    const void *src;
    void *dst;
    long n, c, h, w, kh, kw, s, p;   // samples, channels, plane, kernel, stride, padding
    long oh, ow, plane, ld;          // output plane, its size, row stride of cols (n·oh·ow)
    long hp, phase;                  // scratch: padded rows, elements per phase row ⌈(w + 2p)/s⌉
    int tasks;
    int failed;                      // set (to 1) by a task that could not allocate its scratch
} im_job;

static inline void im_range(long count, int task, int tasks, long *begin, long *end) {
    *begin = count * task / tasks;
    *end = count * (task + 1) / tasks;
}

static void im_mark_failed(im_job *job) { __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED); }

// Fills `job` from the arguments; 0 if the geometry is one WindowGeometry accepts, else −2.
static int im_setup(im_job *job, long n, long c, long h, long w, long kh, long kw, long s, long p, int threads) {
    if (n < 0 || c < 0 || h < 0 || w < 0 || kh < 1 || kw < 1 || s < 1 || p < 0 || h + 2 * p < kh || w + 2 * p < kw)
        return -2;
    job->n = n; job->c = c; job->h = h; job->w = w; job->kh = kh; job->kw = kw; job->s = s; job->p = p;
    job->oh = (h + 2 * p - kh) / s + 1;
    job->ow = (w + 2 * p - kw) / s + 1;
    job->plane = job->oh * job->ow;
    job->ld = n * job->plane;
    job->hp = h + 2 * p;
    job->phase = (w + 2 * p + s - 1) / s;
    long items = n * c;
    if (threads < 1) threads = 1;
    job->tasks = items < threads ? (int)(items < 1 ? 1 : items) : threads;
    job->failed = 0;
    return 0;
}

// What a task looks up instead of dividing: per window column kj its phase and position, per
// phase r the first input column that lands in it, that column's position and how many do.
typedef struct {
    long *tapPhase, *tapOffset;                      // kj mod s, kj / s
    long *firstColumn, *firstPosition, *columns;     // per phase r < s
    long *memory;
} im_plan;

static int im_plan_init(im_plan *plan, const im_job *job) {
    long kw = job->kw, s = job->s, p = job->p, w = job->w;
    long *m = malloc(sizeof(long) * (size_t)(2 * kw + 3 * s));
    if (!m) return -1;
    plan->memory = m;
    plan->tapPhase = m; plan->tapOffset = m + kw;
    plan->firstColumn = m + 2 * kw; plan->firstPosition = m + 2 * kw + s; plan->columns = m + 2 * kw + 2 * s;
    for (long kj = 0; kj < kw; kj++) { plan->tapPhase[kj] = kj % s; plan->tapOffset[kj] = kj / s; }
    for (long r = 0; r < s; r++) {
        long ix0 = ((r - p) % s + s) % s;   // padded column ix0 + p has phase r
        plan->firstColumn[r] = ix0 < w ? ix0 : 0;
        plan->firstPosition[r] = (ix0 + p) / s;
        plan->columns[r] = ix0 < w ? (w - ix0 + s - 1) / s : 0;
    }
    return 0;
}

static void im_plan_free(im_plan *plan) { free(plan->memory); }

#define IM_T float
#define IM_NAME(name) mixup_im2col_##name##_f32
#define IM_TASK(name) im2col_##name##_task_f32
#define IM_HELPER(name) im2col_##name##_f32
#include "Im2colBody.h"
#undef IM_T
#undef IM_NAME
#undef IM_TASK
#undef IM_HELPER

#define IM_T double
#define IM_NAME(name) mixup_im2col_##name##_f64
#define IM_TASK(name) im2col_##name##_task_f64
#define IM_HELPER(name) im2col_##name##_f64
#include "Im2colBody.h"
#undef IM_T
#undef IM_NAME
#undef IM_TASK
#undef IM_HELPER
