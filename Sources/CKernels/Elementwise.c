// Elementwise kernels for the small-model step, where per-element cost shows: a branch-free,
// vectorisable exp for Float (softmax, cross-entropy, activations), the fused Adam update and a
// finiteness check. Written as plain loops without branches so clang vectorises them for the
// instruction set of each clone (AVX-512, AVX2+FMA, baseline), chosen at load time.

#include "CKernels.h"
#include <stdint.h>
#include <string.h>

#include "Clones.h"

static inline float f32_from_bits(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
static inline uint32_t bits_from_f32(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

// e^v for one element, without branches (the loop around it vectorises):
// v = n·ln2 + r with n = round(v/ln2), |r| ≤ ln2/2 (Cody–Waite, ln2 in two parts), e^r by Cephes'
// degree-7 polynomial, then ·2ⁿ as two exact power-of-two factors so that n from −150 (results in
// the subnormal range, rounded once) to 128 (overflow to +∞) needs no special case. Inputs are
// clamped to [−104, 88.8] first: beyond those, e^v rounds to 0 or +∞ anyway. NaN passes through
// the clamps (the comparisons are false) and through every arithmetic step.
static inline float exp_element(float v) {
    v = v > 88.8f ? 88.8f : v;
    v = v < -104.0f ? -104.0f : v;
    const float magic = 12582912.0f;                 // 1.5·2²³: adding it rounds to an integer
    float t = v * 1.44269504088896341f + magic;
    float n = t - magic;
    int32_t k = (int32_t)(bits_from_f32(t) - bits_from_f32(magic));   // n as an integer, |n| ≤ 150
    float r = v - n * 0.693359375f;                  // ln2's high part: n·hi is exact
    r = r - n * -2.12194440e-4f;                     // … and its low part
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t k1 = k >> 1, k2 = k - k1;                // both in [−75, 64]: normal powers of two
    float s1 = f32_from_bits((uint32_t)(k1 + 127) << 23), s2 = f32_from_bits((uint32_t)(k2 + 127) << 23);
    return p * s1 * s2;
}

MIXUP_CLONES
void mixup_exp_f32(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = exp_element(x[i]);
}

MIXUP_CLONES
void mixup_sigmoid_f32(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) {
        float v = x[i];
        float e = exp_element(v > 0 ? -v : v);       // e^{−|v|} ∈ (0, 1]: never overflows
        float num = v >= 0 ? 1.0f : e;
        y[i] = num / (1.0f + e);
    }
}

// The Adam update of `torch.optim.Adam`, element by element in the same order as the Swift code it
// replaces (no contraction into fused multiply-adds, so every clone gives the same bits).
#pragma STDC FP_CONTRACT OFF
#define ADAM_BODY(T, SQRT, DECOUPLED)                                                                       \
    for (long k = 0; k < n; k++) {                                                                 \
        T g = grad[k], t = theta_in[k];                                                            \
        if (DECOUPLED) t -= lr * weightDecay * t; else g += weightDecay * t;                       \
        T mk = beta1 * m[k] + (1 - beta1) * g;                                                     \
        T vk = beta2 * v[k] + (1 - beta2) * g * g;                                                 \
        m[k] = mk; v[k] = vk;                                                                      \
        theta[k] = t - stepSize * mk / (SQRT(vk) / rootCorrection2 + epsilon);                     \
    }

MIXUP_CLONES
void mixup_adam_f32(const float *restrict theta_in, float *restrict theta, const float *restrict grad, float *restrict m, float *restrict v, long n,
                    float lr, float beta1, float beta2, float epsilon, float stepSize, float rootCorrection2,
                    float weightDecay, int decoupled) {
    if (decoupled) { ADAM_BODY(float, __builtin_elementwise_sqrt, 1) } else { ADAM_BODY(float, __builtin_elementwise_sqrt, 0) }
}

MIXUP_CLONES
void mixup_adam_f64(const double *restrict theta_in, double *restrict theta, const double *restrict grad, double *restrict m, double *restrict v, long n,
                    double lr, double beta1, double beta2, double epsilon, double stepSize, double rootCorrection2,
                    double weightDecay, int decoupled) {
    if (decoupled) { ADAM_BODY(double, __builtin_elementwise_sqrt, 1) } else { ADAM_BODY(double, __builtin_elementwise_sqrt, 0) }
}

// 1 when no element is NaN or ±∞: an OR over "exponent bits all set", which vectorises (a sum of
// x − x would be one long dependency chain of additions).
MIXUP_CLONES
int mixup_all_finite_f32(const float *x, long n) {
    uint32_t bad = 0;
    for (long i = 0; i < n; i++) {
        uint32_t b; memcpy(&b, x + i, 4);
        bad |= (uint32_t)((b & 0x7f800000u) == 0x7f800000u);
    }
    return bad == 0;
}

MIXUP_CLONES
int mixup_all_finite_f64(const double *x, long n) {
    uint64_t bad = 0;
    for (long i = 0; i < n; i++) {
        uint64_t b; memcpy(&b, x + i, 8);
        bad |= (uint64_t)((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull);
    }
    return bad == 0;
}

// In-place ReLU and gating (x ← x where the gate is > 0, else +0) as bit masks: written as a
// ternary, a compiler turns the in-place store into a branch per element (the store of x onto
// itself is dropped), mispredicted half the time on activations. NaN gates to 0, as `v > 0 ? v : 0`.
MIXUP_CLONES
void mixup_relu_inplace_f32(float *x, long n) {
    for (long i = 0; i < n; i++) {
        uint32_t b; memcpy(&b, x + i, 4);
        b &= -(uint32_t)(x[i] > 0.0f);
        memcpy(x + i, &b, 4);
    }
}

MIXUP_CLONES
void mixup_relu_inplace_f64(double *x, long n) {
    for (long i = 0; i < n; i++) {
        uint64_t b; memcpy(&b, x + i, 8);
        b &= -(uint64_t)(x[i] > 0.0);
        memcpy(x + i, &b, 8);
    }
}

MIXUP_CLONES
void mixup_gate_inplace_f32(float *restrict x, const float *restrict gate, long n) {
    for (long i = 0; i < n; i++) {
        uint32_t b; memcpy(&b, x + i, 4);
        b &= -(uint32_t)(gate[i] > 0.0f);
        memcpy(x + i, &b, 4);
    }
}

MIXUP_CLONES
void mixup_gate_inplace_f64(double *restrict x, const double *restrict gate, long n) {
    for (long i = 0; i < n; i++) {
        uint64_t b; memcpy(&b, x + i, 8);
        b &= -(uint64_t)(gate[i] > 0.0);
        memcpy(x + i, &b, 8);
    }
}

// The pullback of a gated product: out = g where gate > 0, else +0 (rows × cols), and, when
// colsum is not NULL, colsum[c] += out[r][c] row by row from the first (the bias gradient, summed in
// the order of the generic reduction). One pass instead of a gating pass and a reduction pass.
#define GATE_ROWS_BODY(T, U)                                                                      \
    for (long r = 0; r < rows; r++) {                                                             \
        const T *gr = g + r * cols, *mr = gate + r * cols;                                        \
        T *o = out + r * cols;                                                                    \
        for (long c = 0; c < cols; c++) {                                                         \
            U b; memcpy(&b, gr + c, sizeof(T));                                                   \
            b &= -(U)(mr[c] > 0);                                                                 \
            memcpy(o + c, &b, sizeof(T));                                                         \
        }                                                                                         \
        if (colsum) for (long c = 0; c < cols; c++) colsum[c] += o[c];                            \
    }

MIXUP_CLONES
void mixup_gate_rows_f32(const float *restrict g, const float *restrict gate, float *restrict out,
                         float *restrict colsum, long rows, long cols) {
    GATE_ROWS_BODY(float, uint32_t)
}

MIXUP_CLONES
void mixup_gate_rows_f64(const double *restrict g, const double *restrict gate, double *restrict out,
                         double *restrict colsum, long rows, long cols) {
    GATE_ROWS_BODY(double, uint64_t)
}
