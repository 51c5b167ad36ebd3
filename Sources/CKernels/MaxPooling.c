// 2×2, stride-2 max pooling with the argmax routing, vectorised: even and odd columns of two input
// rows are de-interleaved with shuffles and compared lane-wise with selects, so the "which of the
// four wins" decision (unpredictable on real activations) never becomes a branch. Threads split
// planes, so the result does not depend on the thread count.

#include "CKernels.h"

#include "Clones.h"

typedef float vf32x16 __attribute__((vector_size(64), aligned(4), may_alias));
typedef int32_t vi32x16 __attribute__((vector_size(64)));
typedef int64_t vi64x16 __attribute__((vector_size(128), aligned(8), may_alias));
typedef double vf64x8 __attribute__((vector_size(64), aligned(8), may_alias));
typedef int64_t vi64x8 __attribute__((vector_size(64), aligned(8), may_alias));

// The scalar rule every lane follows: start with the top-left element, then let each later one
// win if it is larger or NaN. Written as selects (no if), so clang emits blends, not branches:
// LeNet's pooled rows (14 and 5 wide) are shorter than a vector and run entirely here.
#define SCALAR_TAKE(T, v, idx)                                                               \
    {                                                                                        \
        int t_ = (v > best) | (v != v);                                                      \
        best = t_ ? v : best;                                                                \
        at = t_ ? (idx) : at;                                                                \
    }
#define SCALAR_WINDOW(T)                                                                     \
    {                                                                                        \
        long i0 = 2 * ox, i2 = w + 2 * ox;                                                   \
        T v1 = r0[i0 + 1], v2 = r0[i2], v3 = r0[i2 + 1];                                     \
        T best = r0[i0]; long at = i0;                                                       \
        SCALAR_TAKE(T, v1, i0 + 1)                                                           \
        SCALAR_TAKE(T, v2, i2)                                                               \
        SCALAR_TAKE(T, v3, i2 + 1)                                                           \
        yo[ox] = best; ao[ox] = base + at;                                                   \
    }

// Lane-wise: m = (v > best) | (v is NaN); best = m ? v : best; offset = m ? k : offset.
#define TAKE(VI, v, k)                                                                       \
    {                                                                                        \
        VI m = (v > best) | (v != v);                                                        \
        best = (__typeof__(best))(((VI)v & m) | ((VI)best & ~m));                            \
        offset = (offset & ~m) | (((VI){} + (__typeof__(offset[0]))(k)) & m);               \
    }

// One definition for both precisions: VT holds L values, VI the matching comparison masks (and
// window offsets), VA the L flat int64 argmax indices; EVEN/ODD de-interleave 2L columns.
typedef struct {
    const void *x;
    void *y;
    int64_t *argmax;
    long planes, h, w;
    int tasks;
} pool_job;

// Task t pools planes planes·t/tasks … planes·(t+1)/tasks − 1.
#define DEFINE_MAXPOOL2X2(NAME, T, VT, VI, VA, L, EVEN, ODD, LANES)                          \
MIXUP_CLONES static void NAME##_task(void *context, int task) {                             \
    pool_job *job = context;                                                                 \
    const T *x = job->x;                                                                     \
    T *y = job->y;                                                                           \
    int64_t *argmax = job->argmax;                                                           \
    long h = job->h, w = job->w, oh = h / 2, ow = w / 2;                                     \
    long first = job->planes * task / job->tasks, end = job->planes * (task + 1) / job->tasks; \
    for (long pl = first; pl < end; pl++) {                                                  \
        for (long oy = 0; oy < oh; oy++) {                                                   \
            const T *r0 = x + pl * h * w + 2 * oy * w;                                       \
            long base = pl * h * w + 2 * oy * w;                                             \
            T *yo = y + (pl * oh + oy) * ow;                                                 \
            int64_t *ao = argmax + (pl * oh + oy) * ow;                                      \
            long ox = 0;                                                                     \
            for (; ox + L <= ow; ox += L) {                                                  \
                VT a = *(const VT *)(r0 + 2 * ox), b = *(const VT *)(r0 + 2 * ox + L);       \
                VT c = *(const VT *)(r0 + w + 2 * ox), d = *(const VT *)(r0 + w + 2 * ox + L); \
                VT e0 = __builtin_shufflevector(a, b, EVEN), o0 = __builtin_shufflevector(a, b, ODD); \
                VT e1 = __builtin_shufflevector(c, d, EVEN), o1 = __builtin_shufflevector(c, d, ODD); \
                VT best = e0;                                                                \
                VI offset = {};                                                              \
                TAKE(VI, o0, 1)                                                              \
                TAKE(VI, e1, w)                                                              \
                TAKE(VI, o1, w + 1)                                                          \
                *(VT *)(yo + ox) = best;                                                     \
                VI lane = {LANES};                                                           \
                *(VA *)(ao + ox) = __builtin_convertvector(offset + lane, VA) + (base + 2 * ox); \
            }                                                                                \
            for (; ox < ow; ox++) SCALAR_WINDOW(T)                                           \
        }                                                                                    \
    }                                                                                        \
}                                                                                            \
                                                                                             \
void NAME(const T *x, long planes, long h, long w, T *y, int64_t *argmax) {                 \
    if (planes <= 0 || h < 2 || w < 2) return;                                               \
    int threads = mixup_kernels_threads();                                                   \
    pool_job job = {x, y, argmax, planes, h, w, threads < planes ? threads : (int)planes};   \
    mixup_parallel_for(job.tasks, NAME##_task, &job);                                        \
}

#define EVEN16 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODD16 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define EVEN8 0, 2, 4, 6, 8, 10, 12, 14
#define ODD8 1, 3, 5, 7, 9, 11, 13, 15

DEFINE_MAXPOOL2X2(mixup_maxpool2x2_f32, float, vf32x16, vi32x16, vi64x16, 16, EVEN16, ODD16, EVEN16)
DEFINE_MAXPOOL2X2(mixup_maxpool2x2_f64, double, vf64x8, vi64x8, vi64x8, 8, EVEN8, ODD8, EVEN8)
