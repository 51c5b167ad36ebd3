// 2×2, stride-2 max pooling with the argmax routing, vectorised: even and odd columns of two input
// rows are de-interleaved with shuffles and compared lane-wise with selects, so the "which of the
// four wins" decision (unpredictable on real activations) never becomes a branch.

#include "CKernels.h"

#if defined(__x86_64__) && defined(__clang__)
#define MIXUP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MIXUP_CLONES
#endif

typedef float vf32x16 __attribute__((vector_size(64), aligned(4), may_alias));
typedef int32_t vi32x16 __attribute__((vector_size(64)));
typedef int64_t vi64x16 __attribute__((vector_size(128), aligned(8), may_alias));
typedef double vf64x8 __attribute__((vector_size(64), aligned(8), may_alias));
typedef int64_t vi64x8 __attribute__((vector_size(64), aligned(8), may_alias));

// The scalar rule every lane follows: start with the top-left element, then let each later one
// win if it is larger or NaN.
#define SCALAR_WINDOW(T)                                                                     \
    {                                                                                        \
        long i0 = 2 * ox, i2 = w + 2 * ox;                                                   \
        T best = r0[i0]; long at = i0;                                                       \
        T v1 = r0[i0 + 1]; if (v1 > best || v1 != v1) { best = v1; at = i0 + 1; }            \
        T v2 = r0[i2]; if (v2 > best || v2 != v2) { best = v2; at = i2; }                    \
        T v3 = r0[i2 + 1]; if (v3 > best || v3 != v3) { best = v3; at = i2 + 1; }            \
        yo[ox] = best; ao[ox] = base + at;                                                   \
    }

// Lane-wise: m = (v > best) | (v is NaN); best = m ? v : best; offset = m ? k : offset.
#define TAKE(VI, v, k)                                                                       \
    {                                                                                        \
        VI m = (v > best) | (v != v);                                                        \
        best = (__typeof__(best))(((VI)v & m) | ((VI)best & ~m));                            \
        offset = (offset & ~m) | ((VI){} + (k) & m);                                         \
    }

MIXUP_CLONES void mixup_maxpool2x2_f32(const float *x, long planes, long h, long w, float *y, int64_t *argmax) {
    long oh = h / 2, ow = w / 2;
    for (long pl = 0; pl < planes; pl++) {
        for (long oy = 0; oy < oh; oy++) {
            const float *r0 = x + pl * h * w + 2 * oy * w;
            long base = pl * h * w + 2 * oy * w;
            float *yo = y + (pl * oh + oy) * ow;
            int64_t *ao = argmax + (pl * oh + oy) * ow;
            long ox = 0;
            for (; ox + 16 <= ow; ox += 16) {
                vf32x16 a = *(const vf32x16 *)(r0 + 2 * ox), b = *(const vf32x16 *)(r0 + 2 * ox + 16);
                vf32x16 c = *(const vf32x16 *)(r0 + w + 2 * ox), d = *(const vf32x16 *)(r0 + w + 2 * ox + 16);
                vf32x16 e0 = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                vf32x16 o0 = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
                vf32x16 e1 = __builtin_shufflevector(c, d, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                vf32x16 o1 = __builtin_shufflevector(c, d, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
                vf32x16 best = e0;
                vi32x16 offset = {};
                TAKE(vi32x16, o0, 1)
                TAKE(vi32x16, e1, (int32_t)w)
                TAKE(vi32x16, o1, (int32_t)w + 1)
                *(vf32x16 *)(yo + ox) = best;
                vi32x16 lane = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
                vi64x16 at = __builtin_convertvector(offset + lane, vi64x16);
                *(vi64x16 *)(ao + ox) = at + (base + 2 * ox);
            }
            for (; ox < ow; ox++) SCALAR_WINDOW(float)
        }
    }
}

MIXUP_CLONES void mixup_maxpool2x2_f64(const double *x, long planes, long h, long w, double *y, int64_t *argmax) {
    long oh = h / 2, ow = w / 2;
    for (long pl = 0; pl < planes; pl++) {
        for (long oy = 0; oy < oh; oy++) {
            const double *r0 = x + pl * h * w + 2 * oy * w;
            long base = pl * h * w + 2 * oy * w;
            double *yo = y + (pl * oh + oy) * ow;
            int64_t *ao = argmax + (pl * oh + oy) * ow;
            long ox = 0;
            for (; ox + 8 <= ow; ox += 8) {
                vf64x8 a = *(const vf64x8 *)(r0 + 2 * ox), b = *(const vf64x8 *)(r0 + 2 * ox + 8);
                vf64x8 c = *(const vf64x8 *)(r0 + w + 2 * ox), d = *(const vf64x8 *)(r0 + w + 2 * ox + 8);
                vf64x8 e0 = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
                vf64x8 o0 = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
                vf64x8 e1 = __builtin_shufflevector(c, d, 0, 2, 4, 6, 8, 10, 12, 14);
                vf64x8 o1 = __builtin_shufflevector(c, d, 1, 3, 5, 7, 9, 11, 13, 15);
                vf64x8 best = e0;
                vi64x8 offset = {};
                TAKE(vi64x8, o0, 1)
                TAKE(vi64x8, e1, (int64_t)w)
                TAKE(vi64x8, o1, (int64_t)w + 1)
                *(vf64x8 *)(yo + ox) = best;
                vi64x8 lane = {0, 2, 4, 6, 8, 10, 12, 14};
                *(vi64x8 *)(ao + ox) = offset + lane + (base + 2 * ox);
            }
            for (; ox < ow; ox++) SCALAR_WINDOW(double)
        }
    }
}
