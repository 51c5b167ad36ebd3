// Batch-norm kernels over channel axis 1 of [N, C, rest] (per channel c the runs x[n, c, 0..<rest]
// for n = 0..<N): batch statistics, plain batch norm and batch norm + ReLU fused, forward, backward,
// the fixed-statistics tangent and its adjoint. The bodies live in BatchNormBody.h, included once
// per precision below.
//
// Reproducibility. Per-channel sums are computed by one thread per channel (threads split channel
// ranges), in one fixed order: 16 lanes, lane j of a run taking elements j, j + 16, …, the runs
// added in sample order, the lanes combined by one fixed tree at the end. The order depends on
// `rest` only — never on the thread count or on the vector width of the clone. The accumulators are
// double for both precisions: a Float channel of ResNet's first stage holds 100·32·32 = 102 400
// elements, where a Float sum loses ~3 decimal digits; widening costs one conversion per element
// and the passes are bounded by memory bandwidth anyway (Benchmarks/README.md, "Batch norm in C").
// The whole file is compiled without floating-point contraction (FP_CONTRACT OFF, as the Adam
// kernel in Elementwise.c), so the AVX2+FMA and AVX-512 clones round every multiply and add
// exactly as the baseline clone: results are bit-identical across clones and thread counts.
// Elementwise passes (outputs that depend on one element) run in the input's precision.

#include "CKernels.h"
#include "Clones.h"

#pragma STDC FP_CONTRACT OFF

// Eight doubles (two AVX2 registers, one AVX-512 register, four SSE registers), and unaligned
// views of eight input elements.
typedef double bn_vd8 __attribute__((vector_size(64)));
typedef long long bn_vl8 __attribute__((vector_size(64)));
typedef float bn_vf8u __attribute__((vector_size(32), aligned(4), may_alias));
typedef double bn_vd8u __attribute__((vector_size(64), aligned(8), may_alias));

// Helpers as macros: a function taking or returning a 64-byte vector is an ABI error in the
// clones without AVX-512, even when always inlined.
#define bn_load8_f32(p) __builtin_convertvector(*(const bn_vf8u *)(p), bn_vd8)   // 8 floats, widened
#define bn_load8_f64(p) (*(const bn_vd8u *)(p))                                 // 8 doubles
#define bn_splat(v) ((bn_vd8){} + (double)(v))                                  // v in every lane
// v where mask (a lane-wise comparison) holds, else +0.
#define bn_select(mask, v) ((bn_vd8)((bn_vl8)(v) & (mask)))
// The 16 lanes (a: elements j mod 16 < 8, b: the others) summed in one fixed tree.
#define bn_combine(a, b, out)                                                                \
    {                                                                                        \
        bn_vd8 s_ = (a) + (b);                                                               \
        out = ((s_[0] + s_[4]) + (s_[2] + s_[6])) + ((s_[1] + s_[5]) + (s_[3] + s_[7]));     \
    }

// The arguments of one kernel call, shared by its tasks; each kernel uses a subset.
typedef struct {
    const void *x, *g, *z, *t;            // inputs: activations, gradient, ReLU output, tangent
    const void *mean, *inv, *gamma, *beta; // per-channel parameters
    void *out, *out2;                     // elementwise outputs
    void *sum1, *sum2;                    // per-channel outputs
    long n, c, rest;
    int tasks;
} bn_job;

// Below this many elements per task, the pool's hand-off (a few µs) costs more than it saves.
#define BN_GRAIN 32768L

/// Tasks for `elements` elements of work split into `units` independent parts.
static int bn_tasks(long elements, long units) {
    long t = mixup_kernels_threads(), byWork = elements / BN_GRAIN;
    if (t > byWork) t = byWork;
    if (t > units) t = units;
    return t < 1 ? 1 : (int)t;
}

/// The first of `total` units task `task` of `tasks` takes (the next task's first ends its range).
static inline long bn_part(long total, int task, int tasks) { return total * task / tasks; }

static void bn_run(bn_job *job, void (*fn)(void *, int), long units) {
    job->tasks = bn_tasks(job->n * job->c * job->rest, units);
    mixup_parallel_for(job->tasks, fn, job);
}

// One run of `rest` elements into the 16 lanes: V(k, 0) adds elements k … k+7 to the lane-0…7
// accumulators (suffix 0), V(k, 1) to lanes 8…15 (suffix 1); the last rest mod 8 elements go one
// by one through S(k, j) into lane j of the suffix-1 accumulators. Same order in every clone.
#define BN_REDUCE_RUN(rest, V, S)                                                            \
    {                                                                                        \
        long k_ = 0;                                                                         \
        for (; k_ + 16 <= (rest); k_ += 16) { V(k_, 0) V(k_ + 8, 1) }                        \
        if (k_ + 8 <= (rest)) { V(k_, 0) k_ += 8; }                                          \
        for (long j_ = 0; k_ + j_ < (rest); j_++) { S(k_ + j_, j_) }                         \
    }

// The first pass over a channel walks its runs, one per sample, `c·rest` elements apart: a hardware
// prefetcher stops at each run's 4 KB page, so each load also prefetches the same offset of the next
// run (measured 25 % off the statistics and 8 % off the fused backward on 100×64×32×32).
#define BN_PREFETCH3(a, b, c, k) { __builtin_prefetch((a) + (k)); __builtin_prefetch((b) + (k)); __builtin_prefetch((c) + (k)); }

#define BN_T float
#define BN_NAME(name) mixup_bn_##name##_f32
#define BN_TASK(name) bn_##name##_task_f32
#define BN_LOAD8 bn_load8_f32
#include "BatchNormBody.h"
#undef BN_T
#undef BN_NAME
#undef BN_TASK
#undef BN_LOAD8

#define BN_T double
#define BN_NAME(name) mixup_bn_##name##_f64
#define BN_TASK(name) bn_##name##_task_f64
#define BN_LOAD8 bn_load8_f64
#include "BatchNormBody.h"
#undef BN_T
#undef BN_NAME
#undef BN_TASK
#undef BN_LOAD8
