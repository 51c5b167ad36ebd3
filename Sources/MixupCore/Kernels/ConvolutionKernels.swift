import CKernels

/// The geometry of a 2-D sliding window over an NCHW tensor: what convolution and pooling share.
///
/// Output extents follow PyTorch: ⌊(H + 2·padding − kernel) / stride⌋ + 1.
public struct WindowGeometry: Equatable, Sendable {
    /// Batch size, channels, input height and width.
    public var batch, channels, height, width: Int
    /// Window height and width.
    public var kernelHeight, kernelWidth: Int
    /// Step between windows (same along both axes).
    public var stride: Int
    /// Zero (or −∞ for max pooling) rows/columns added on every side.
    public var padding: Int

    /// The geometry of a window of `kernel` (height, width) over an input of shape `[N, C, H, W]`.
    /// Violations are programming errors (wrong model for the data), caught with a message.
    public init(input shape: [Int], kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
        precondition(shape.count == 4, "2-D windows need an NCHW input, got shape \(shape)")
        precondition(kernelHeight > 0 && kernelWidth > 0, "kernel must be positive, got \(kernelHeight)×\(kernelWidth)")
        precondition(stride > 0, "stride must be positive, got \(stride)")
        precondition(padding >= 0, "padding must be ≥ 0, got \(padding)")
        batch = shape[0]; channels = shape[1]; height = shape[2]; width = shape[3]
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding
        precondition(height + 2 * padding >= kernelHeight && width + 2 * padding >= kernelWidth,
                     "a \(kernelHeight)×\(kernelWidth) window does not fit an input of \(height)×\(width) with padding \(padding)")
    }

    /// Output height.
    public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    /// Output width.
    public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Output positions per channel (outputHeight · outputWidth).
    public var outputPlane: Int { outputHeight * outputWidth }
    /// Input positions per channel.
    public var inputPlane: Int { height * width }
    /// Rows of the unfolded (im2col) matrix: C·kh·kw.
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
}

// MARK: im2col / col2im

/// Unfolds samples `start ..< start + n` of the batch at `x` side by side into `cols`
/// `[C·kh·kw, n·OH·OW]` (`mixup_im2col_unfold_*` in CKernels/Im2col.c), split over up to `threads`
/// kernel threads by (channel, sample) plane — each writes only its own entries.
@inline(__always)
func unfoldChunk<T: TensorScalar>(_ x: UnsafePointer<T>, samples start: Int, count n: Int, _ g: WindowGeometry,
                                  into cols: UnsafeMutablePointer<T>, threads: Int) {
    let source = x + start * g.channels * g.inputPlane, tasks = Int32(im2colTasks(g, samples: n, threads: threads))
    let status = T.self == Float.self
        ? mixup_im2col_unfold_f32(rebound(source, Float.self), n, g.channels, g.height, g.width, g.kernelHeight,
                                  g.kernelWidth, g.stride, g.padding, rebound(cols, Float.self), tasks)
        : mixup_im2col_unfold_f64(rebound(source, Double.self), n, g.channels, g.height, g.width, g.kernelHeight,
                                  g.kernelWidth, g.stride, g.padding, rebound(cols, Double.self), tasks)
    precondition(status == 0, "im2col unfold of \(g): " + (status == -1 ? "out of memory for a plane's scratch" : "invalid geometry"))
}

/// The adjoint of `unfoldChunk`: writes samples `start ..< start + n` of `dx` (every element, 0 where
/// no window reads it) from the patch-matrix gradient `cols` `[C·kh·kw, n·OH·OW]`
/// (`mixup_im2col_fold_*`), each element the sum of its entries in tap order.
@inline(__always)
func foldChunk<T: TensorScalar>(_ cols: UnsafePointer<T>, samples start: Int, count n: Int, _ g: WindowGeometry,
                                into dx: UnsafeMutablePointer<T>, threads: Int) {
    let target = dx + start * g.channels * g.inputPlane, tasks = Int32(im2colTasks(g, samples: n, threads: threads))
    let status = T.self == Float.self
        ? mixup_im2col_fold_f32(rebound(cols, Float.self), n, g.channels, g.height, g.width, g.kernelHeight,
                                g.kernelWidth, g.stride, g.padding, rebound(target, Float.self), tasks)
        : mixup_im2col_fold_f64(rebound(cols, Double.self), n, g.channels, g.height, g.width, g.kernelHeight,
                                g.kernelWidth, g.stride, g.padding, rebound(target, Double.self), tasks)
    precondition(status == 0, "im2col fold of \(g): " + (status == -1 ? "out of memory for a plane's scratch" : "invalid geometry"))
}

/// Tasks for unfolding or folding `n` samples: at most `threads`, and one per `im2colGrain` entries
/// of the patch matrix, below which the pool's hand-off (a few µs) costs more than the copy saves.
@inline(__always)
func im2colTasks(_ g: WindowGeometry, samples n: Int, threads: Int) -> Int {
    max(1, min(threads, n * g.patchSize * g.outputPlane / im2colGrain))
}

/// Patch-matrix entries per im2col task (128 KB in Float).
let im2colGrain = 1 << 15

/// Whether the patch matrix of one sample is the sample itself (1×1 window, stride 1, no padding):
/// then a one-sample chunk's GEMMs read x and write ∂x directly, with no unfolding or folding.
@inline(__always)
func isPointwise(_ g: WindowGeometry) -> Bool {
    g.kernelHeight == 1 && g.kernelWidth == 1 && g.stride == 1 && g.padding == 0
}

/// How many samples to unfold into one GEMM. At least as many as fit ~32K elements of patch matrix
/// (128 KB in Float), so small layers keep im2col, GEMM and col2im in L2; and, for the late layers of
/// ResNet/VGG (4×4–8×8 planes), enough samples that the product has `minimumGEMMColumns` columns —
/// one sample gives a GEMM 16–64 columns wide that re-packs the whole weight matrix per sample and
/// runs at a fraction of OpenBLAS's rate (the conv sweep in Benchmarks/README.md) — as long as the
/// patch matrix stays under `maximumPatchElements`.
func samplesPerChunk(_ g: WindowGeometry) -> Int {
    let perSample = max(1, g.patchSize * g.outputPlane)
    let inCache = (1 << 15) / perSample
    let forColumns = (minimumGEMMColumns + g.outputPlane - 1) / max(1, g.outputPlane)
    let byMemory = maximumPatchElements / perSample
    return max(1, min(g.batch, max(inCache, min(forColumns, byMemory))))
}

/// Columns (samples × output positions) a convolution's GEMM should have at least.
let minimumGEMMColumns = 1024
/// Largest patch matrix `samplesPerChunk` builds to reach `minimumGEMMColumns` (16 MB in Float).
let maximumPatchElements = 1 << 22

// MARK: Choosing a scheme

/// How `conv2d` computes a convolution: im2col + OpenBLAS GEMM, the direct kernels of `CKernels`
/// (vectorised along output rows; stride 1, square kernels, padding < kernel), or Winograd
/// F(2×2, 3×3) (3×3, stride 1, padding 1: 2.25× fewer multiplies than im2col, as 16 GEMMs).
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable {
    /// Direct for layers with few input channels × kernel taps and few output channels, where
    /// the GEMM has too few rows to run well; Winograd for 3×3 stride-1 padding-1 layers with
    /// enough channels that its GEMMs dominate its transforms; im2col + GEMM otherwise
    /// (the conv sweep in Benchmarks/README.md; `scheme(input:weight:stride:padding:)` tells which).
    case automatic
    /// Always im2col + GEMM.
    case im2colGEMM
    /// Direct whenever the layer qualifies (stride 1, square kernel, padding < kernel).
    case direct
    /// Winograd F(2×2, 3×3) whenever the layer qualifies (3×3 kernel, stride 1, padding 1),
    /// im2col + GEMM otherwise: the ResNet/VGG 3×3 convolutions at 2.25× fewer multiplies.
    case winograd

    /// The process-wide choice (like `BLAS.threadCount`). Tests and benchmarks pin it to compare
    /// the schemes; all compute the same sums, in a different order (Winograd also in a different
    /// basis), so results differ in the last bits.
    public static var preferred: ConvolutionAlgorithm = .automatic

    /// The scheme `conv2d` runs for an input of `input` shape `[N, C, H, W]` and a weight of `weight`
    /// shape `[O, C, kh, kw]` under `preferred`: `.direct`, `.im2colGEMM` or `.winograd`, never
    /// `.automatic`. Lets tests and benchmarks see what the automatic rule picks.
    public static func scheme(input: [Int], weight: [Int], stride: Int, padding: Int) -> ConvolutionAlgorithm {
        precondition(weight.count == 4, "conv2d weight must be [out, in, kh, kw], got \(weight)")
        let g = WindowGeometry(input: input, kernelHeight: weight[2], kernelWidth: weight[3], stride: stride, padding: padding)
        return convolutionScheme(g, outputChannels: weight[0])
    }
}

/// The scheme for this layer under `ConvolutionAlgorithm.preferred`. The automatic limits come from
/// the conv rows of Benchmarks/README.md: direct wins clearly on LeNet's layers (25/150-tap patches,
/// 6/16 outputs) and a 3-channel first layer; the VGG/ResNet sweep (`mixuplab-step-bench conv-sweep`)
/// found the direct forward ahead on 64–128-channel layers with 16×16–32×32 planes but its weight
/// gradient far behind on every wide layer, and Winograd ahead of im2col on the 3×3 stride-1 layers
/// with ≥ `winogradChannelLimit` input and output channels whose batch has at least
/// `winogradTargetTiles` 2×2 tiles: with fewer (512→512 on 4×4 at batch 20: 80 tiles; 2×2 planes)
/// its GEMMs are too narrow and it measured even or up to 2× slower, at batch 100 on 4×4 2× faster.
func convolutionScheme(_ g: WindowGeometry, outputChannels: Int) -> ConvolutionAlgorithm {
    let direct = g.stride == 1 && g.kernelHeight == g.kernelWidth && g.padding < g.kernelHeight
    let winograd = winogradApplies(g) && g.batch > 0 && g.channels > 0 && outputChannels > 0
    switch ConvolutionAlgorithm.preferred {
    case .im2colGEMM: return .im2colGEMM
    case .direct: return direct ? .direct : .im2colGEMM
    case .winograd: return winograd ? .winograd : .im2colGEMM
    case .automatic:
        if direct && g.patchSize <= directPatchLimit && outputChannels <= directOutputChannelLimit { return .direct }
        let tiles = g.batch * ((g.height + 1) / 2) * ((g.width + 1) / 2)
        if winograd && g.channels >= winogradChannelLimit && outputChannels >= winogradChannelLimit
            && tiles >= winogradTargetTiles { return .winograd }
        return .im2colGEMM
    }
}

/// Fewest input and output channels for which the automatic rule picks Winograd: below, the
/// transforms cost more than the GEMM work they save (the 3-channel stem runs 2× slower).
let winogradChannelLimit = 32

/// Largest C·kh·kw the automatic rule sends to the direct kernels.
let directPatchLimit = 256
/// Largest output channel count the automatic rule sends to the direct kernels.
let directOutputChannelLimit = 32

/// The direct forward pass; nil if the kernel could not allocate its scratch buffer.
@_specialize(where T == Float)
@_specialize(where T == Double)
func directConvolutionForward<T: TensorScalar>(_ x: Tensor<T>, _ g: WindowGeometry, _ weight: Tensor<T>,
                                               _ bias: Tensor<T>?, outputChannels: Int) -> Tensor<T>? {
    let total = g.batch * outputChannels * g.outputPlane
    var ok = true
    let out = [T](unsafeUninitializedCapacity: total) { buffer, count in
        x.withUnsafeBufferPointer { xb in
            weight.withUnsafeBufferPointer { wb in
                if let bias {
                    bias.withUnsafeBufferPointer { bb in
                        ok = T.directConvolution(xb.baseAddress!, g, weight: wb.baseAddress!, outputChannels: outputChannels,
                                                 bias: bb.baseAddress!, into: buffer.baseAddress!)
                    }
                } else {
                    ok = T.directConvolution(xb.baseAddress!, g, weight: wb.baseAddress!, outputChannels: outputChannels,
                                             bias: nil, into: buffer.baseAddress!)
                }
            }
        }
        count = ok ? total : 0
    }
    return ok ? Tensor(shape: [g.batch, outputChannels, g.outputHeight, g.outputWidth], scalars: out) : nil
}

/// The direct backward pass: ∂b = Σ g, ∂W by `directConvolutionWeightGradient`, and ∂x as the
/// "full" correlation of g with the spatially flipped, channel-transposed kernel — a direct forward
/// convolution with padding kh − 1 − p. Nil if a kernel could not allocate its scratch buffer.
@_specialize(where T == Float)
@_specialize(where T == Double)
func directConvolutionBackward<T: TensorScalar>(_ gradOut: Tensor<T>, input x: Tensor<T>, weight: Tensor<T>,
                                                _ g: WindowGeometry, needInput: Bool, needWeight: Bool, needBias: Bool)
    -> (input: Tensor<T>?, weight: Tensor<T>?, bias: Tensor<T>?)? {
    let outC = weight.shape[0], k = g.kernelHeight, plane = g.outputPlane
    var db = [T](repeating: 0, count: needBias ? outC : 0)
    var weightGradient: Tensor<T>? = nil
    if needWeight {
        var dw = [T](repeating: 0, count: weight.count)
        var ok = true
        x.withUnsafeBufferPointer { xb in
            gradOut.withUnsafeBufferPointer { gb in
                dw.withUnsafeMutableBufferPointer { dwb in
                    db.withUnsafeMutableBufferPointer { dbb in
                        ok = T.directConvolutionWeightGradient(xb.baseAddress!, g, outputGradient: gb.baseAddress!,
                                                               outputChannels: outC, addingInto: dwb.baseAddress!,
                                                               biasGradient: needBias ? dbb.baseAddress! : nil)
                    }
                }
            }
        }
        guard ok else { return nil }
        weightGradient = Tensor(shape: weight.shape, scalars: dw)
    } else if needBias {
        gradOut.withUnsafeBufferPointer { gb in
            for n in 0..<g.batch {
                for o in 0..<outC {
                    let row = gb.baseAddress! + (n * outC + o) * plane
                    var acc: T = 0
                    for q in 0..<plane { acc += row[q] }
                    db[o] += acc
                }
            }
        }
    }
    let bias: Tensor<T>? = needBias ? Tensor(shape: [outC], scalars: db) : nil
    var inputGradient: Tensor<T>? = nil
    if needInput {
        // flipped[c, o, i, j] = W[o, c, k−1−i, k−1−j]
        let c = g.channels
        var flipped = [T](repeating: 0, count: weight.count)
        weight.withUnsafeBufferPointer { wb in
            for o in 0..<outC {
                for ci in 0..<c {
                    for i in 0..<k {
                        for j in 0..<k {
                            flipped[((ci * outC + o) * k + i) * k + j] = wb[((o * c + ci) * k + (k - 1 - i)) * k + (k - 1 - j)]
                        }
                    }
                }
            }
        }
        let full = WindowGeometry(input: gradOut.shape, kernelHeight: k, kernelWidth: k, stride: 1, padding: k - 1 - g.padding)
        guard let dx = directConvolutionForward(gradOut, full, Tensor(shape: [c, outC, k, k], scalars: flipped), nil,
                                                outputChannels: c) else { return nil }
        inputGradient = dx
    }
    return (inputGradient, weightGradient, bias)
}

// MARK: Convolution

/// y[n, o] = Σ_c W[o, c] ⋆ x[n, c] + b[o] for x `[N, C, H, W]`, W `[O, C, kh, kw]`: im2col on
/// chunks of samples, one GEMM per chunk, then a copy from `[O, n·P]` to NCHW.
@_specialize(where T == Float)
@_specialize(where T == Double)
func convolutionForward<T: TensorScalar>(_ x: Tensor<T>, _ weight: Tensor<T>, _ bias: Tensor<T>?,
                                         stride: Int, padding: Int) -> Tensor<T> {
    precondition(weight.rank == 4, "conv2d weight must be [out, in, kh, kw], got \(weight.shape)")
    precondition(x.rank == 4 && x.shape[1] == weight.shape[1],
                 "conv2d: input \(x.shape) must be NCHW with \(weight.shape[1]) channels (weight \(weight.shape))")
    let g = WindowGeometry(input: x.shape, kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
                           stride: stride, padding: padding)
    let outC = weight.shape[0], plane = g.outputPlane, k = g.patchSize
    if let bias { precondition(bias.shape == [outC], "conv2d bias must be [\(outC)], got \(bias.shape)") }
    let total = g.batch * outC * plane
    guard total > 0, k > 0 else {
        return Tensor(shape: [g.batch, outC, g.outputHeight, g.outputWidth], scalars: [T](repeating: 0, count: total))
    }
    switch convolutionScheme(g, outputChannels: outC) {
    case .winograd: return winogradConvolutionForward(x, weight, bias)
    case .direct:
        if let y = directConvolutionForward(x, g, weight, bias, outputChannels: outC) { return y }
    default: break
    }
    // Every element is written below (GEMM product + bias), so skip the zero fill.
    var out = [T](unsafeUninitializedCapacity: total) { _, count in count = total }
    let chunk = samplesPerChunk(g), threads = ComputeThreads.kernelCount
    // Every entry is written by the unfolding before the GEMM reads it; a pointwise layer taking one
    // sample per chunk multiplies x itself and needs no patch matrix.
    let direct = isPointwise(g) && chunk == 1
    var cols = [T](unsafeUninitializedCapacity: direct ? 0 : k * chunk * plane) { _, count in count = direct ? 0 : k * chunk * plane }
    var product = [T](repeating: 0, count: chunk > 1 ? outC * chunk * plane : 1)
    let biasScalars = bias?.scalars
    x.withUnsafeBufferPointer { xb in
        weight.withUnsafeBufferPointer { wb in
            cols.withUnsafeMutableBufferPointer { cb in
                product.withUnsafeMutableBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { ob in
                        let xp = xb.baseAddress!, pp = pb.baseAddress!, op = ob.baseAddress!
                        for start in Swift.stride(from: 0, to: g.batch, by: chunk) {
                            let n = min(chunk, g.batch - start), ld = n * plane
                            let cp: UnsafePointer<T>
                            if direct {
                                cp = xp + start * k * plane
                            } else {
                                unfoldChunk(xp, samples: start, count: n, g, into: cb.baseAddress!, threads: threads)
                                cp = UnsafePointer(cb.baseAddress!)
                            }
                            if n == 1 {
                                // One sample: [O, P] is already its NCHW block, so the GEMM writes there.
                                let dst = op + start * outC * plane
                                T.gemm(transposeA: false, transposeB: false, m: outC, n: ld, k: k,
                                       alpha: 1, a: wb.baseAddress!, lda: k, b: cp, ldb: ld,
                                       beta: 0, c: dst, ldc: ld)
                                if let biasScalars {
                                    for o in 0..<outC {
                                        let row = dst + o * plane, b = biasScalars[o]
                                        for q in 0..<plane { row[q] += b }
                                    }
                                }
                                continue
                            }
                            T.gemm(transposeA: false, transposeB: false, m: outC, n: ld, k: k,
                                   alpha: 1, a: wb.baseAddress!, lda: k, b: cp, ldb: ld,
                                   beta: 0, c: pp, ldc: ld)
                            for s in 0..<n {
                                for o in 0..<outC {
                                    let src = pp + o * ld + s * plane
                                    let dst = op + ((start + s) * outC + o) * plane
                                    let b: T = biasScalars?[o] ?? 0
                                    for q in 0..<plane { dst[q] = src[q] + b }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [g.batch, outC, g.outputHeight, g.outputWidth], scalars: out)
}

/// The three adjoints of `convolutionForward` for an output gradient `gradOut` `[N, O, OH, OW]`:
/// ∂x = col2im(Wᵀ·g), ∂W = Σ g·colsᵀ, ∂b = Σ g. Each is computed only when asked for.
@_specialize(where T == Float)
@_specialize(where T == Double)
func convolutionBackward<T: TensorScalar>(_ gradOut: Tensor<T>, input x: Tensor<T>, weight: Tensor<T>,
                                          stride: Int, padding: Int,
                                          needInput: Bool, needWeight: Bool, needBias: Bool)
    -> (input: Tensor<T>?, weight: Tensor<T>?, bias: Tensor<T>?) {
    let g = WindowGeometry(input: x.shape, kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
                           stride: stride, padding: padding)
    let outC = weight.shape[0], plane = g.outputPlane, k = g.patchSize
    precondition(gradOut.shape == [g.batch, outC, g.outputHeight, g.outputWidth],
                 "conv2d backward: gradient \(gradOut.shape) does not match the output shape")
    switch convolutionScheme(g, outputChannels: outC) {
    case .winograd:
        return winogradConvolutionBackward(gradOut, input: x, weight: weight,
                                           needInput: needInput, needWeight: needWeight, needBias: needBias)
    case .direct:
        if let grads = directConvolutionBackward(gradOut, input: x, weight: weight, g,
                                                 needInput: needInput, needWeight: needWeight, needBias: needBias) {
            return grads
        }
    default: break
    }
    // ∂x: every sample is written by its chunk's fold (or GEMM), so skip the zero fill.
    let inputCount = needInput ? x.count : 0
    var dx = [T](unsafeUninitializedCapacity: inputCount) { _, count in count = inputCount }
    var dw: [T] = needWeight ? [T](repeating: 0, count: weight.count) : []
    var db: [T] = needBias ? [T](repeating: 0, count: outC) : []
    let chunk = samplesPerChunk(g), threads = ComputeThreads.kernelCount
    // As in the forward pass: a pointwise layer with one sample per chunk reads x and writes ∂x directly.
    let direct = isPointwise(g) && chunk == 1
    let colsCount = (needInput || needWeight) && !direct ? k * chunk * plane : 0
    var cols = [T](unsafeUninitializedCapacity: colsCount) { _, count in count = colsCount }
    var packed = [T](repeating: 0, count: chunk > 1 ? outC * chunk * plane : 1)
    gradOut.withUnsafeBufferPointer { gb in
        x.withUnsafeBufferPointer { xb in
            weight.withUnsafeBufferPointer { wb in
                cols.withUnsafeMutableBufferPointer { cb in
                    packed.withUnsafeMutableBufferPointer { pb in
                        dx.withUnsafeMutableBufferPointer { dxb in
                            dw.withUnsafeMutableBufferPointer { dwb in
                                db.withUnsafeMutableBufferPointer { dbb in
                                    let gp = gb.baseAddress!, pp = pb.baseAddress!
                                    for start in Swift.stride(from: 0, to: g.batch, by: chunk) {
                                        let n = min(chunk, g.batch - start), ld = n * plane
                                        // The gradient chunk as [O, n·P] (the GEMM layout of the forward):
                                        // one sample's NCHW block already is; several are packed.
                                        let gradient: UnsafePointer<T> = n == 1 ? gp + start * outC * plane : UnsafePointer(pp)
                                        for s in 0..<n {
                                            for o in 0..<outC {
                                                let src = gp + ((start + s) * outC + o) * plane
                                                var acc: T = 0
                                                if n == 1 {
                                                    if needBias { for q in 0..<plane { acc += src[q] } }
                                                } else {
                                                    let dst = pp + o * ld + s * plane
                                                    for q in 0..<plane { let v = src[q]; dst[q] = v; acc += v }
                                                }
                                                if needBias { dbb[o] += acc }
                                            }
                                        }
                                        guard k > 0 else { continue }
                                        if needWeight {
                                            let cp: UnsafePointer<T>
                                            if direct {
                                                cp = xb.baseAddress! + start * k * plane
                                            } else {
                                                unfoldChunk(xb.baseAddress!, samples: start, count: n, g, into: cb.baseAddress!, threads: threads)
                                                cp = UnsafePointer(cb.baseAddress!)
                                            }
                                            // ∂W[O, K] += g[O, n·P] · colsᵀ[n·P, K]
                                            T.gemm(transposeA: false, transposeB: true, m: outC, n: k, k: ld,
                                                   alpha: 1, a: gradient, lda: ld, b: cp, ldb: ld,
                                                   beta: 1, c: dwb.baseAddress!, ldc: k)
                                        }
                                        if needInput {
                                            // ∂cols[K, n·P] = Wᵀ[K, O] · g[O, n·P], folded onto the chunk's ∂x samples.
                                            let cp = direct ? dxb.baseAddress! + start * k * plane : cb.baseAddress!
                                            T.gemm(transposeA: true, transposeB: false, m: k, n: ld, k: outC,
                                                   alpha: 1, a: wb.baseAddress!, lda: k, b: gradient, ldb: ld,
                                                   beta: 0, c: cp, ldc: ld)
                                            if !direct {
                                                foldChunk(cp, samples: start, count: n, g, into: dxb.baseAddress!, threads: threads)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return (needInput ? Tensor(shape: x.shape, scalars: dx) : nil,
            needWeight ? Tensor(shape: weight.shape, scalars: dw) : nil,
            needBias ? Tensor(shape: [outC], scalars: db) : nil)
}

// MARK: Pooling

/// Max pooling over square windows (padding counts as −∞). Returns the output and, per output
/// element, the flat index into `x` of the maximum — the routing the backward pass and the JVP
/// reuse. An all-padding window cannot occur because the window always overlaps the input.
@_specialize(where T == Float)
@_specialize(where T == Double)
func maxPoolForward<T: TensorScalar>(_ x: Tensor<T>, kernel: Int, stride: Int, padding: Int)
    -> (output: Tensor<T>, argmax: [Int]) {
    let g = WindowGeometry(input: x.shape, kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    precondition(padding * 2 <= kernel, "max pooling padding \(padding) must be at most half the kernel \(kernel)")
    let oh = g.outputHeight, ow = g.outputWidth, planes = g.batch * g.channels
    if kernel == 2 && stride == 2 && padding == 0 {
        let total = planes * oh * ow
        var arg = [Int](unsafeUninitializedCapacity: total) { _, count in count = total }
        let out = [T](unsafeUninitializedCapacity: total) { ob, count in
            x.withUnsafeBufferPointer { xb in
                arg.withUnsafeMutableBufferPointer { ab in
                    if total > 0 {
                        T.maxPool2x2(xb.baseAddress!, planes: planes, height: g.height, width: g.width,
                                     into: ob.baseAddress!, argmax: ab.baseAddress!)
                    }
                }
            }
            count = total
        }
        return (Tensor(shape: [g.batch, g.channels, oh, ow], scalars: out), arg)
    }
    var out = [T](repeating: 0, count: planes * oh * ow)
    var arg = [Int](repeating: 0, count: out.count)
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            arg.withUnsafeMutableBufferPointer { ab in
                guard let xp = xb.baseAddress, let op = ob.baseAddress, let ap = ab.baseAddress else { return }
                for pl in 0..<planes {
                    let base = pl * g.inputPlane
                    for oy in 0..<oh {
                        let y0 = Swift.max(0, oy * stride - padding), y1 = Swift.min(g.height, oy * stride - padding + kernel)
                        for ox in 0..<ow {
                            let x0 = Swift.max(0, ox * stride - padding), x1 = Swift.min(g.width, ox * stride - padding + kernel)
                            var best = -T.infinity, bestIndex = base + y0 * g.width + x0
                            for iy in y0..<y1 {
                                for ix in x0..<x1 {
                                    let idx = base + iy * g.width + ix
                                    let v = xp[idx]
                                    if v > best || v.isNaN { best = v; bestIndex = idx }
                                }
                            }
                            let o = (pl * oh + oy) * ow + ox
                            op[o] = best; ap[o] = bestIndex
                        }
                    }
                }
            }
        }
    }
    return (Tensor(shape: [g.batch, g.channels, oh, ow], scalars: out), arg)
}

/// out[i] = x[indices[i]]: reads the elements at flat `indices` into a tensor of `shape`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func gatherElements<T: TensorScalar>(_ x: Tensor<T>, _ indices: [Int], shape: [Int]) -> Tensor<T> {
    precondition(indices.count == shape.product, "gather: \(indices.count) indices for shape \(shape)")
    var out = [T](repeating: 0, count: indices.count)
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            for i in 0..<indices.count { ob[i] = xb[indices[i]] }
        }
    }
    return Tensor(shape: shape, scalars: out)
}

/// out[indices[i]] += g[i] into zeros of `shape`: the adjoint of `gatherElements`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func scatterAddElements<T: TensorScalar>(_ g: Tensor<T>, _ indices: [Int], shape: [Int]) -> Tensor<T> {
    var out = [T](repeating: 0, count: shape.product)
    g.withUnsafeBufferPointer { gb in
        out.withUnsafeMutableBufferPointer { ob in
            for i in 0..<indices.count { ob[indices[i]] += gb[i] }
        }
    }
    return Tensor(shape: shape, scalars: out)
}

/// Average pooling over square windows; padding counts as zeros and every window divides by
/// kernel² (PyTorch's `count_include_pad=True`), which keeps the op linear with a fixed weight.
@_specialize(where T == Float)
@_specialize(where T == Double)
func averagePoolForward<T: TensorScalar>(_ x: Tensor<T>, kernel: Int, stride: Int, padding: Int) -> Tensor<T> {
    let g = WindowGeometry(input: x.shape, kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    let oh = g.outputHeight, ow = g.outputWidth, planes = g.batch * g.channels
    let scale = 1 / T(kernel * kernel)
    var out = [T](repeating: 0, count: planes * oh * ow)
    x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
            for pl in 0..<planes {
                let src = xp + pl * g.inputPlane
                for oy in 0..<oh {
                    let y0 = Swift.max(0, oy * stride - padding), y1 = Swift.min(g.height, oy * stride - padding + kernel)
                    for ox in 0..<ow {
                        let x0 = Swift.max(0, ox * stride - padding), x1 = Swift.min(g.width, ox * stride - padding + kernel)
                        var acc: T = 0
                        for iy in y0..<y1 { for ix in x0..<x1 { acc += src[iy * g.width + ix] } }
                        op[(pl * oh + oy) * ow + ox] = acc * scale
                    }
                }
            }
        }
    }
    return Tensor(shape: [g.batch, g.channels, oh, ow], scalars: out)
}

/// The adjoint of `averagePoolForward`: spreads each output gradient evenly over its window.
@_specialize(where T == Float)
@_specialize(where T == Double)
func averagePoolBackward<T: TensorScalar>(_ gradOut: Tensor<T>, inputShape: [Int],
                                          kernel: Int, stride: Int, padding: Int) -> Tensor<T> {
    let g = WindowGeometry(input: inputShape, kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    let oh = g.outputHeight, ow = g.outputWidth, planes = g.batch * g.channels
    let scale = 1 / T(kernel * kernel)
    var dx = [T](repeating: 0, count: inputShape.product)
    gradOut.withUnsafeBufferPointer { gb in
        dx.withUnsafeMutableBufferPointer { db in
            guard let gp = gb.baseAddress, let dp = db.baseAddress else { return }
            for pl in 0..<planes {
                let dst = dp + pl * g.inputPlane
                for oy in 0..<oh {
                    let y0 = Swift.max(0, oy * stride - padding), y1 = Swift.min(g.height, oy * stride - padding + kernel)
                    for ox in 0..<ow {
                        let x0 = Swift.max(0, ox * stride - padding), x1 = Swift.min(g.width, ox * stride - padding + kernel)
                        let v = gp[(pl * oh + oy) * ow + ox] * scale
                        for iy in y0..<y1 { for ix in x0..<x1 { dst[iy * g.width + ix] += v } }
                    }
                }
            }
        }
    }
    return Tensor(shape: inputShape, scalars: dx)
}
