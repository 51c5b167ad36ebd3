// MixupLab's hand-vectorised CPU kernels for the shapes OpenBLAS handles poorly: stride-1
// convolutions with few channels (LeNet, first layers) and 2×2 max pooling. Each entry point has a
// float and a double version; MixupCore picks between them and im2col + GEMM (see
// ConvolutionKernels.swift). Compiled once per instruction set (AVX-512, AVX2+FMA, baseline) and
// chosen at load time, so the package still runs on any x86-64 or arm64 machine.
#ifndef MIXUPLAB_CKERNELS_H
#define MIXUPLAB_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// y[n,o] = bias[o] + Σ_c weight[o,c] ⋆ x[n,c]: direct stride-1 cross-correlation of
/// x [n,c,h,w] with weight [o,c,kh,kw], zero padding (padH, padW); y is [n,o,h+2padH−kh+1,w+2padW−kw+1].
/// `bias` may be NULL. Every element of y is written. Returns 0, or −1 if scratch memory ran out.
int mixup_conv2d_direct_f32(const float *x, long n, long c, long h, long w,
                            const float *weight, long o, long kh, long kw, long padH, long padW,
                            const float *bias, float *y);
int mixup_conv2d_direct_f64(const double *x, long n, long c, long h, long w,
                            const double *weight, long o, long kh, long kw, long padH, long padW,
                            const double *bias, double *y);

/// dweight[o,c,ki,kj] += Σ_{n,oy,ox} gy[n,o,oy,ox] · xpad[n,c,oy+ki,ox+kj]: the weight gradient of
/// `mixup_conv2d_direct_*` for the output gradient gy, and dbias[o] += Σ gy[n,o] unless dbias is
/// NULL. Returns 0, or −1 if scratch memory ran out.
int mixup_conv2d_weight_grad_f32(const float *x, long n, long c, long h, long w,
                                 const float *gy, long o, long kh, long kw, long padH, long padW,
                                 float *dweight, float *dbias);
int mixup_conv2d_weight_grad_f64(const double *x, long n, long c, long h, long w,
                                 const double *gy, long o, long kh, long kw, long padH, long padW,
                                 double *dweight, double *dbias);

/// 2×2, stride-2, unpadded max pooling of `planes` planes of h×w: y [planes, h/2, w/2] and, per
/// output, the flat index into x of its maximum (first maximum wins; a NaN wins over numbers).
void mixup_maxpool2x2_f32(const float *x, long planes, long h, long w, float *y, int64_t *argmax);
void mixup_maxpool2x2_f64(const double *x, long planes, long h, long w, double *y, int64_t *argmax);

/// y[i] = eˣ⁽ⁱ⁾ for n floats (x and y may be the same buffer): a branch-free polynomial within a few
/// ulp of the correctly rounded result, including subnormal results, 0 below −103.98, +∞ above
/// 88.73 and NaN for NaN.
void mixup_exp_f32(const float *x, float *y, long n);
/// y[i] = 1/(1 + e^−x[i]) for n floats, from e^−|x| so it never overflows.
void mixup_sigmoid_f32(const float *x, float *y, long n);

/// One Adam step (torch.optim.Adam; AdamW when `decoupled`) over n elements: the new θ into
/// `theta` from the old one in `theta_in` (a separate buffer, so a parameter still held by the tape
/// is not copied first), m and v updated in place; stepSize = lr/(1 − β₁ᵗ), rootCorrection2 = √(1 − β₂ᵗ).
void mixup_adam_f32(const float *theta_in, float *theta, const float *grad, float *m, float *v, long n,
                    float lr, float beta1, float beta2, float epsilon, float stepSize, float rootCorrection2,
                    float weightDecay, int decoupled);
void mixup_adam_f64(const double *theta_in, double *theta, const double *grad, double *m, double *v, long n,
                    double lr, double beta1, double beta2, double epsilon, double stepSize, double rootCorrection2,
                    double weightDecay, int decoupled);

/// x[i] ← x[i] > 0 ? x[i] : +0 in place, branch-free (ReLU on a GEMM's output).
void mixup_relu_inplace_f32(float *x, long n);
void mixup_relu_inplace_f64(double *x, long n);
/// x[i] ← gate[i] > 0 ? x[i] : +0 in place, branch-free (ReLU's tangent rule on a GEMM's output).
void mixup_gate_inplace_f32(float *x, const float *gate, long n);
void mixup_gate_inplace_f64(double *x, const double *gate, long n);

/// out = g where gate > 0, else +0, over rows × cols; when colsum is not NULL, also
/// colsum[c] += out[r][c] for r = 0, 1, … in order (a gated product's bias gradient).
void mixup_gate_rows_f32(const float *g, const float *gate, float *out, float *colsum, long rows, long cols);
void mixup_gate_rows_f64(const double *g, const double *gate, double *out, double *colsum, long rows, long cols);

/// 1 when none of the n elements is NaN or ±∞, else 0.
int mixup_all_finite_f32(const float *x, long n);
int mixup_all_finite_f64(const double *x, long n);

// MARK: Batch norm (BatchNorm.c)
// Layout [n, c, rest]: channel ch holds the runs x[i, ch, 0..<rest] for i = 0..<n. Per-channel sums
// run in double, in one fixed order per channel (threads split channels), so results are identical
// for every thread count and instruction-set clone. Output pointers documented as optional may be NULL.

/// Per-channel mean μ = Σx/M and sum of squared deviations Σ(x − μ)² (M = n·rest, two passes):
/// the batch statistics of batch norm and of its running averages.
void mixup_bn_statistics_f32(const float *x, long n, long c, long rest, float *mean, float *squares);
void mixup_bn_statistics_f64(const double *x, long n, long c, long rest, double *mean, double *squares);

/// Plain batch norm forward: xhat = (x − mean)·inv and y = xhat·gamma + beta per channel
/// (inv = 1/√(σ² + ε)); both outputs are written.
void mixup_bn_forward_f32(const float *x, long n, long c, long rest, const float *mean, const float *inv,
                          const float *gamma, const float *beta, float *y, float *xhat);
void mixup_bn_forward_f64(const double *x, long n, long c, long rest, const double *mean, const double *inv,
                          const double *gamma, const double *beta, double *y, double *xhat);

/// Adjoints of plain batch norm for the output gradient g: dbeta = Σg, dgamma = Σg·xhat and, unless
/// dx is NULL, dx = gamma·inv·(g − mean(g) − xhat·mean(g·xhat)) per channel.
void mixup_bn_backward_f32(const float *g, const float *xhat, long n, long c, long rest, const float *inv,
                           const float *gamma, float *dx, float *dgamma, float *dbeta);
void mixup_bn_backward_f64(const double *g, const double *xhat, long n, long c, long rest, const double *inv,
                           const double *gamma, double *dx, double *dgamma, double *dbeta);

/// Batch norm + ReLU fused: z = max(0, x·a + b) with a = inv·gamma, b = beta − mean·a per channel.
void mixup_bn_relu_forward_f32(const float *x, long n, long c, long rest, const float *mean, const float *inv,
                               const float *gamma, const float *beta, float *z);
void mixup_bn_relu_forward_f64(const double *x, long n, long c, long rest, const double *mean, const double *inv,
                               const double *gamma, const double *beta, double *z);

/// Adjoints of the fused op from its input x and output z: with g_y = g·1[z > 0] and
/// x̂ = (x − mean)·inv, dbeta = Σg_y, dgamma = Σg_y·x̂ and, unless dx is NULL,
/// dx = gamma·inv·(g_y − mean(g_y) − x̂·mean(g_y·x̂)).
void mixup_bn_relu_backward_f32(const float *g, const float *x, const float *z, long n, long c, long rest,
                                const float *mean, const float *inv, const float *gamma,
                                float *dx, float *dgamma, float *dbeta);
void mixup_bn_relu_backward_f64(const double *g, const double *x, const double *z, long n, long c, long rest,
                                const double *mean, const double *inv, const double *gamma,
                                double *dx, double *dgamma, double *dbeta);

/// The fused op's tangent with the batch statistics held fixed: out = 1[z > 0]·gamma·inv·t.
void mixup_bn_relu_tangent_f32(const float *t, const float *z, long n, long c, long rest, const float *inv,
                               const float *gamma, float *out);
void mixup_bn_relu_tangent_f64(const double *t, const double *z, long n, long c, long rest, const double *inv,
                               const double *gamma, double *out);

/// Adjoints of that tangent for its gradient g: with s = Σ 1[z > 0]·g·t per channel, dgamma = s·inv,
/// dt = 1[z > 0]·gamma·inv·g (unless dt is NULL) and dx = −s·gamma·inv³·(x − mean)/M (unless dx is NULL).
void mixup_bn_relu_tangent_backward_f32(const float *g, const float *t, const float *x, const float *z,
                                        long n, long c, long rest, const float *mean, const float *inv,
                                        const float *gamma, float *dt, float *dx, float *dgamma);
void mixup_bn_relu_tangent_backward_f64(const double *g, const double *t, const double *x, const double *z,
                                        long n, long c, long rest, const double *mean, const double *inv,
                                        const double *gamma, double *dt, double *dx, double *dgamma);

/// Threads the kernels may use (default 1). Work is split so that every output element is computed
/// by one thread in the single-thread order: results are identical for every thread count.
void mixup_kernels_set_threads(int count);
/// The current thread count of the kernels.
int mixup_kernels_threads(void);
/// Runs fn(ctx, t) for t = 0 … tasks−1 on the kernels' thread pool (task 0 on the caller) and
/// returns when all have finished. Callers are serialised.
void mixup_parallel_for(int tasks, void (*fn)(void *ctx, int task), void *ctx);

// MARK: Winograd F(2×2, 3×3) transforms (Winograd.c)
// Transformed tensors are [16][rows][tiles], rows·tiles + 16 elements between the 16 matrices,
// tile t = (sample·⌈h/2⌉ + ty)·⌈w/2⌉ + tx. `threads` tasks split the work on the kernels' pool
// (each output element written by one task: identical results for every count); pass 1 when
// calling from inside a pool task. The int-returning ones return 0, or −1 if scratch memory ran out.

/// V[ξ][c][t] = (Bᵀ d B)[ξ] for every 4×4 patch d (padding 1) of x [samples, channels, h, w]: the
/// Winograd input transform, with the partial tiles of odd planes read against zeros.
int mixup_winograd_input_f32(const float *x, long samples, long channels, long h, long w, float *v, int threads);
/// The double version of `mixup_winograd_input_f32`.
int mixup_winograd_input_f64(const double *x, long samples, long channels, long h, long w, double *v, int threads);

/// y [samples, channels, h, w] = Aᵀ M[·][c][t] A + bias[c] per 2×2 tile (bias may be NULL): the
/// Winograd output transform; a partial tile on an odd edge writes only its inside.
int mixup_winograd_output_f32(const float *m, long samples, long channels, long h, long w, const float *bias,
                              float *y, int threads);
/// The double version of `mixup_winograd_output_f32`.
int mixup_winograd_output_f64(const double *m, long samples, long channels, long h, long w, const double *bias,
                              double *y, int threads);

/// ∂M[ξ][c][t] = (A ∂y Aᵀ)[ξ] per 2×2 tile of ∂y [samples, channels, h, w] (zero outside it): the
/// adjoint of the output transform.
int mixup_winograd_output_adjoint_f32(const float *dy, long samples, long channels, long h, long w, float *dm,
                                      int threads);
/// The double version of `mixup_winograd_output_adjoint_f32`.
int mixup_winograd_output_adjoint_f64(const double *dy, long samples, long channels, long h, long w, double *dm,
                                      int threads);

/// U[ξ][o][c] = (G g Gᵀ)[ξ] for every filter g = weight[o, c] of weight [outputs, inputs, 3, 3] (no
/// padding between the matrices); with `transposed`, U[ξ][c][o] from the filter rotated by 180°.
void mixup_winograd_weight_f32(const float *weight, long outputs, long inputs, int transposed, float *u, int threads);
/// The double version of `mixup_winograd_weight_f32`.
void mixup_winograd_weight_f64(const double *weight, long outputs, long inputs, int transposed, double *u, int threads);

/// dweight[o, c] = Gᵀ ∂U[·][o][c] G for dweight [outputs, inputs, 3, 3]: the adjoint of the
/// (untransposed) weight transform.
void mixup_winograd_weight_adjoint_f32(const float *du, long outputs, long inputs, float *dw, int threads);
/// The double version of `mixup_winograd_weight_adjoint_f32`.
void mixup_winograd_weight_adjoint_f64(const double *du, long outputs, long inputs, double *dw, int threads);

// MARK: im2col (Im2col.c)
// A convolution as a GEMM: the windows (kh × kw taps, `stride` along both axes, `pad` zero rows and
// columns on every side) of x [samples, channels, h, w] unfolded into the patch matrix
// cols [channels·kh·kw, samples·oh·ow] with oh = (h + 2·pad − kh)/stride + 1 (likewise ow): row
// (c·kh + ki)·kw + kj, column (s·oh + oy)·ow + ox. `threads` tasks split the (sample, channel)
// planes on the kernels' pool, each element written by one task: identical results for every
// count. Both return 0, −1 if scratch memory ran out, −2 (nothing written) for a geometry with a
// negative size, kernel or stride < 1, or a window larger than the padded plane.

/// cols[(c·kh + ki)·kw + kj][(s·oh + oy)·ow + ox] = x[s, c, oy·stride − pad + ki, ox·stride − pad + kj],
/// 0 where that falls outside x: the im2col unfolding, writing every element of cols.
int mixup_im2col_unfold_f32(const float *x, long samples, long channels, long h, long w, long kh, long kw,
                            long stride, long pad, float *cols, int threads);
/// The double version of `mixup_im2col_unfold_f32`.
int mixup_im2col_unfold_f64(const double *x, long samples, long channels, long h, long w, long kh, long kw,
                            long stride, long pad, double *cols, int threads);

/// dx = the adjoint of the unfolding applied to cols (col2im): every element of dx [samples, channels,
/// h, w] is written, as 0 plus the entries of cols unfolded from it in row order (ki, then kj).
int mixup_im2col_fold_f32(const float *cols, long samples, long channels, long h, long w, long kh, long kw,
                          long stride, long pad, float *dx, int threads);
/// The double version of `mixup_im2col_fold_f32`.
int mixup_im2col_fold_f64(const double *cols, long samples, long channels, long h, long w, long kh, long kw,
                          long stride, long pad, double *dx, int threads);

#endif
