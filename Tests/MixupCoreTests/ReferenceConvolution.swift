import MixupCore

/// The textbook definition of PyTorch's conv2d, as six plain loops in Float64:
/// y[n, o, i, j] = b[o] + Σ_c Σ_ki Σ_kj W[o, c, ki, kj] · x[n, c, i·s − p + ki, j·s − p + kj]
/// (zero outside the input). The independent reference every convolution test compares with.
func referenceConvolution(_ x: Tensor<Double>, _ w: Tensor<Double>, _ b: Tensor<Double>?,
                          stride s: Int, padding p: Int) -> Tensor<Double> {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
    var out = [Double](repeating: 0, count: n * o * oh * ow)
    for i in 0..<n { for q in 0..<o { for y in 0..<oh { for z in 0..<ow {
        var acc = b?.scalars[q] ?? 0
        for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
            let iy = y * s - p + ki, ix = z * s - p + kj
            if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                acc += w.scalars[((q * c + ch) * kh + ki) * kw + kj] * x.scalars[((i * c + ch) * h + iy) * wd + ix]
            }
        }}}
        out[((i * o + q) * oh + y) * ow + z] = acc
    }}}}
    return Tensor(shape: [n, o, oh, ow], scalars: out)
}

/// ⟨a, b⟩ over all elements.
func innerProduct(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 }
}

/// y, ∂x, ∂W, ∂b of `Variable.conv2d` for the output gradient `g` (the loss Σ y·g), computed by
/// `algorithm` with `kernelThreads` kernel threads and OpenBLAS on `blasThreads` (its own threads
/// may change a GEMM's last bits; the kernels' must not). Every setting is restored afterwards.
func convolutionAndAdjoints<T: TensorScalar>(_ x: Tensor<T>, _ w: Tensor<T>, _ b: Tensor<T>, _ g: Tensor<T>,
                                             stride: Int, padding: Int, algorithm: ConvolutionAlgorithm,
                                             kernelThreads: Int = 1, blasThreads: Int = 1) -> [Tensor<T>] {
    let saved = ComputeThreads.kernelCount, savedBLAS = BLAS.threadCount, savedAlgorithm = ConvolutionAlgorithm.preferred
    ConvolutionAlgorithm.preferred = algorithm
    ComputeThreads.kernelCount = kernelThreads
    BLAS.threadCount = blasThreads
    defer { ComputeThreads.kernelCount = saved; BLAS.threadCount = savedBLAS; ConvolutionAlgorithm.preferred = savedAlgorithm }
    let xv = Variable(parameter: x), wv = Variable(parameter: w), bv = Variable(parameter: b)
    let y = Variable.conv2d(xv, weight: wv, bias: bv, stride: stride, padding: padding)
    let grads = (y * Variable(constant: g)).sum().gradients()
    return [y.value, grads[xv], grads[wv], grads[bv]]
}
