import CBLAS
import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// Winograd F(2×2, 3×3) convolution for 3×3, stride-1, padding-1 layers (Lavin & Gray, 2016).
///
/// Each output is cut into 2×2 tiles; tile t reads a 4×4 input patch d (neighbours overlap by 2,
/// the padding ring reads zeros). With the transforms
///
///     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
///     Aᵀ = [1 1 1 0; 0 1 −1 −1],
///
/// the tile of output channel o is Aᵀ [Σ_c (G g_oc Gᵀ) ⊙ (Bᵀ d_c B)] A: per transform position
/// ξ ∈ 0..<16 one GEMM M[ξ] = U[ξ]·V[ξ] ([O×C]·[C×tiles]), 16·O·C multiplies per tile where im2col
/// spends 36·O·C — 2.25× fewer. The transforms are additions only (and halves in G, exact in binary),
/// so F(2,3) loses almost nothing to rounding.
///
/// Layouts: V[ξ][c][t] and M[ξ][o][t] with t = (sample·tilesHigh + ty)·tilesWide + tx, U[ξ][o][c].
/// Transformed tensors are built per chunk of samples (`winogradSamplesPerChunk`) and freed after
/// the call. The transforms are C (CKernels/Winograd.c, vectorised across tiles). With several
/// kernel threads and several chunks, whole chunks run concurrently on the kernels' pool with
/// single-threaded GEMMs; with one chunk, the transforms split its planes over the pool and
/// OpenBLAS threads the GEMMs. ∂W goes chunk by chunk, its transforms split over the pool and its
/// 16 GEMMs split by ξ. No sum depends on the kernels' thread count; only OpenBLAS's own threads
/// may change GEMM bits.

/// Whether F(2×2, 3×3) computes this layer: a 3×3 kernel, stride 1, padding 1 ("same" output).
func winogradApplies(_ g: WindowGeometry) -> Bool {
    g.kernelHeight == 3 && g.kernelWidth == 3 && g.stride == 1 && g.padding == 1
}

/// Tiles (GEMM columns) a chunk aims for. The conv sweep (Benchmarks/README.md) measured chunks of
/// 64–8192 tiles: wider chunks push the transformed tensors (16 · channels · tiles) out of L2/L3 and
/// slow the transforms and the GEMMs that read them, narrower ones make GEMMs of a few dozen columns
/// that re-pack U per call. 256 tiles is one 32×32 sample (64 channels: 1 MB of V) or 64 samples
/// of 4×4 planes.
let winogradTargetTiles = 256

/// Largest transformed buffer (16 · channels · tiles) a chunk of several samples may build: 8 MB
/// in Float. Two such buffers live during a call.
let maximumWinogradElements = 1 << 21

/// Samples per chunk: enough for `winogradTargetTiles` tiles, as long as each transformed buffer
/// (16 · max(C, O) · tiles) stays within `maximumWinogradElements`; at least one.
func winogradSamplesPerChunk(batch: Int, channels: Int, outputs: Int, tilesPerSample: Int) -> Int {
    let perSample = max(1, 16 * max(channels, outputs) * tilesPerSample)
    let forTiles = (winogradTargetTiles + tilesPerSample - 1) / max(1, tilesPerSample)
    return max(1, min(batch, forTiles, maximumWinogradElements / perSample))
}

/// Elements between the 16 transformed matrices of a chunk (`rows` × `tiles` each). The padding
/// keeps the 16 streams a transform writes or reads per tile off the same cache set: unpadded,
/// 64 channels × 2048 tiles puts them 512 KB apart, all in one set of L1 and L2, and the input
/// transform ran 3× slower.
@inline(__always)
func winogradStride(_ rows: Int, _ tiles: Int) -> Int { rows * tiles + 16 }

// MARK: Transforms

/// Stops with the transform's name when a C transform could not allocate its few scratch rows.
@inline(__always)
private func checkScratch(_ status: Int32, _ transform: String) {
    precondition(status == 0, "Winograd \(transform): out of memory for the transform's scratch rows")
}

/// U[ξ][o][c] = (G g Gᵀ)[ξ] for every 3×3 filter g = W[o, c] of W `[O, C, 3, 3]`. With `transposed`,
/// the filter of the input gradient instead: U[ξ][c][o] from W[o, c] rotated by 180° (∂x is the
/// convolution of ∂y with the flipped, channel-transposed kernel). `mixup_winograd_weight_*` in C.
func winogradWeightTransform<T: TensorScalar>(_ w: UnsafePointer<T>, outputs: Int, inputs: Int, transposed: Bool,
                                              into u: UnsafeMutablePointer<T>, threads: Int) {
    if T.self == Float.self {
        mixup_winograd_weight_f32(rebound(w, Float.self), outputs, inputs, transposed ? 1 : 0, rebound(u, Float.self), Int32(threads))
    } else {
        mixup_winograd_weight_f64(rebound(w, Double.self), outputs, inputs, transposed ? 1 : 0, rebound(u, Double.self), Int32(threads))
    }
}

/// ∂W[o, c] = Gᵀ ∂U[ξ][o][c] G: the adjoint of `winogradWeightTransform` (not transposed), written
/// into ∂W `[O, C, 3, 3]`. `mixup_winograd_weight_adjoint_*` in C.
func winogradWeightTransformAdjoint<T: TensorScalar>(_ du: UnsafePointer<T>, outputs: Int, inputs: Int,
                                                     into dw: UnsafeMutablePointer<T>, threads: Int) {
    if T.self == Float.self {
        mixup_winograd_weight_adjoint_f32(rebound(du, Float.self), outputs, inputs, rebound(dw, Float.self), Int32(threads))
    } else {
        mixup_winograd_weight_adjoint_f64(rebound(du, Double.self), outputs, inputs, rebound(dw, Double.self), Int32(threads))
    }
}

/// V[ξ][c][t] = (Bᵀ d B)[ξ] for every 4×4 patch d of `samples` samples `[C, H, W]` starting at `x`
/// (padding 1, tiles ⌈H/2⌉ × ⌈W/2⌉). `mixup_winograd_input_*` in C: vectorised across the tiles of
/// a tile row, planes split over `threads` tasks.
func winogradInputTransform<T: TensorScalar>(_ x: UnsafePointer<T>, samples: Int, channels: Int, height: Int, width: Int,
                                             into v: UnsafeMutablePointer<T>, threads: Int) {
    let status = T.self == Float.self
        ? mixup_winograd_input_f32(rebound(x, Float.self), samples, channels, height, width, rebound(v, Float.self), Int32(threads))
        : mixup_winograd_input_f64(rebound(x, Double.self), samples, channels, height, width, rebound(v, Double.self), Int32(threads))
    checkScratch(status, "input transform")
}

/// y = Aᵀ M[·][o][t] A (+ bias[o]) for every tile: writes the valid outputs of `samples` samples
/// `[O, H, W]` starting at `y` (a partial tile on an odd edge writes only its inside).
/// `mixup_winograd_output_*` in C.
func winogradOutputTransform<T: TensorScalar>(_ m: UnsafePointer<T>, samples: Int, channels: Int, height: Int, width: Int,
                                              bias: UnsafePointer<T>?, into y: UnsafeMutablePointer<T>, threads: Int) {
    let status = T.self == Float.self
        ? mixup_winograd_output_f32(rebound(m, Float.self), samples, channels, height, width,
                                    bias.map { rebound($0, Float.self) }, rebound(y, Float.self), Int32(threads))
        : mixup_winograd_output_f64(rebound(m, Double.self), samples, channels, height, width,
                                    bias.map { rebound($0, Double.self) }, rebound(y, Double.self), Int32(threads))
    checkScratch(status, "output transform")
}

/// ∂M[ξ][o][t] = (A ∂y Aᵀ)[ξ] for every 2×2 tile of the output gradient of `samples` samples
/// `[O, H, W]` (outside the output, ∂y is zero): the adjoint of `winogradOutputTransform`.
/// `mixup_winograd_output_adjoint_*` in C.
func winogradOutputTransformAdjoint<T: TensorScalar>(_ dy: UnsafePointer<T>, samples: Int, channels: Int,
                                                     height: Int, width: Int, into dm: UnsafeMutablePointer<T>, threads: Int) {
    let status = T.self == Float.self
        ? mixup_winograd_output_adjoint_f32(rebound(dy, Float.self), samples, channels, height, width, rebound(dm, Float.self), Int32(threads))
        : mixup_winograd_output_adjoint_f64(rebound(dy, Double.self), samples, channels, height, width, rebound(dm, Double.self), Int32(threads))
    checkScratch(status, "output transform adjoint")
}

// MARK: Threads

/// Runs `body` with OpenBLAS on one thread when `single` (restoring its count after): concurrent
/// chunks call single-threaded GEMMs, so OpenBLAS's own threads neither compete for the cores nor
/// spin while the pool works.
func withSingleThreadedBLAS<R>(_ single: Bool, _ body: () -> R) -> R {
    guard single else { return body() }
    let saved = openblas_get_num_threads()
    if saved == 1 { return body() }
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(saved) }
    return body()
}

/// How a Winograd convolution uses several kernel threads. With `concurrentChunks` (the default,
/// see Benchmarks/README.md), whole chunks (input transform, 16 single-threaded GEMMs, output
/// transform) run concurrently on the kernels' pool; otherwise chunks run one after the other with
/// the transforms split over the pool and OpenBLAS threading each GEMM. Kept switchable
/// (`MIXUPLAB_WINOGRAD_THREADING=blas`) for the measurement that chose it.
let winogradConcurrentChunks: Bool = {
    guard let value = getenv("MIXUPLAB_WINOGRAD_THREADING") else { return true }
    return String(cString: value) != "blas"
}()

/// The threading of one Winograd call over `chunks` chunks: pool tasks each running whole chunks,
/// and the threads each transform splits over.
struct WinogradThreading {
    /// Pool tasks running whole chunks (1: chunks in order on the caller).
    let tasks: Int
    /// Threads each transform call splits its planes over (1 inside a concurrent chunk).
    let transformThreads: Int

    /// The split for `chunks` chunks under the kernels' current thread count.
    init(chunks: Int) {
        let threads = Int(mixup_kernels_threads())
        if winogradConcurrentChunks && threads > 1 && chunks > 1 {
            tasks = Swift.min(threads, chunks); transformThreads = 1
        } else {
            tasks = 1; transformThreads = threads
        }
    }

    /// Items of `count` that task `task` of `tasks` handles (`kernelTaskRange`).
    static func range(_ count: Int, task: Int, of tasks: Int) -> Range<Int> { kernelTaskRange(count, task: task, of: tasks) }
}

// MARK: Convolution

/// The Winograd forward pass of one chunk: y = conv(x, W) (+ b) for `samples` samples, with the
/// filters already transformed into `u` ([16][outputs][inputs]); `v` and `m` hold the chunk's
/// transformed input and product.
func winogradChunk<T: TensorScalar>(_ x: UnsafePointer<T>, samples: Int, inputs: Int, outputs: Int,
                                    height: Int, width: Int, u: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                    into y: UnsafeMutablePointer<T>, v: UnsafeMutablePointer<T>,
                                    m: UnsafeMutablePointer<T>, threads: Int) {
    let tiles = samples * ((height + 1) / 2) * ((width + 1) / 2)
    winogradInputTransform(x, samples: samples, channels: inputs, height: height, width: width, into: v, threads: threads)
    for xi in 0..<16 {
        T.gemm(transposeA: false, transposeB: false, m: outputs, n: tiles, k: inputs,
               alpha: 1, a: u + xi * outputs * inputs, lda: inputs, b: v + xi * winogradStride(inputs, tiles), ldb: tiles,
               beta: 0, c: m + xi * winogradStride(outputs, tiles), ldc: tiles)
    }
    winogradOutputTransform(m, samples: samples, channels: outputs, height: height, width: width, bias: bias,
                            into: y, threads: threads)
}

/// conv(x, U) (+ b) by chunks of `chunk` samples into `y`, for x `[n, inputs, H, W]` and filters
/// already transformed into `u`: the forward pass and the input gradient share it. Each pool task
/// runs its own contiguous run of chunks with its own transformed buffers.
func winogradChunks<T: TensorScalar>(_ x: UnsafePointer<T>, batch n: Int, chunk: Int, inputs: Int, outputs: Int,
                                     height: Int, width: Int, u: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                     into y: UnsafeMutablePointer<T>) {
    let plane = height * width, perSample = ((height + 1) / 2) * ((width + 1) / 2)
    let chunks = (n + chunk - 1) / chunk
    let threading = WinogradThreading(chunks: chunks)
    let vCount = 16 * winogradStride(inputs, chunk * perSample), mCount = 16 * winogradStride(outputs, chunk * perSample)
    let buffers = UnsafeMutablePointer<T>.allocate(capacity: threading.tasks * (vCount + mCount))
    defer { buffers.deallocate() }
    withSingleThreadedBLAS(threading.tasks > 1) {
        kernelParallelFor(threading.tasks) { task in
            let v = buffers + task * (vCount + mCount), m = v + vCount
            for k in WinogradThreading.range(chunks, task: task, of: threading.tasks) {
                let start = k * chunk, count = Swift.min(chunk, n - start)
                winogradChunk(x + start * inputs * plane, samples: count, inputs: inputs, outputs: outputs,
                              height: height, width: width, u: u, bias: bias, into: y + start * outputs * plane,
                              v: v, m: m, threads: threading.transformThreads)
            }
        }
    }
}

/// y = conv(x, W) + b for a 3×3, stride-1, padding-1 layer by F(2×2, 3×3): x `[N, C, H, W]`,
/// W `[O, C, 3, 3]`, y `[N, O, H, W]`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradConvolutionForward<T: TensorScalar>(_ x: Tensor<T>, _ weight: Tensor<T>, _ bias: Tensor<T>?) -> Tensor<T> {
    let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], o = weight.shape[0]
    let total = n * o * h * w
    let perSample = ((h + 1) / 2) * ((w + 1) / 2)
    let chunk = winogradSamplesPerChunk(batch: n, channels: c, outputs: o, tilesPerSample: perSample)
    let threads = Int(mixup_kernels_threads())
    let u = UnsafeMutablePointer<T>.allocate(capacity: 16 * o * c)
    defer { u.deallocate() }
    weight.withUnsafeBufferPointer { wb in
        winogradWeightTransform(wb.baseAddress!, outputs: o, inputs: c, transposed: false, into: u, threads: threads)
    }
    let biasScalars = bias?.scalars
    // Every element is written by the output transform.
    let out = [T](unsafeUninitializedCapacity: total) { ob, count in
        let y = ob.baseAddress!
        x.withUnsafeBufferPointer { xb in
            let run = { (biasPointer: UnsafePointer<T>?) in
                winogradChunks(xb.baseAddress!, batch: n, chunk: chunk, inputs: c, outputs: o, height: h, width: w,
                               u: u, bias: biasPointer, into: y)
            }
            if let biasScalars { biasScalars.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
        }
        count = total
    }
    return Tensor(shape: [n, o, h, w], scalars: out)
}

/// ∂U[ξ] = Σ_chunks ∂M[ξ]·V[ξ]ᵀ ([O, C] per ξ) into `du` for x `[n, C, H, W]` and ∂y `[n, O, H, W]`,
/// chunk after chunk: both transforms of a chunk split its channels over the kernels' pool, then
/// its 16 GEMMs split by ξ (OpenBLAS on one thread meanwhile). Each ∂U[ξ] is summed by one task in
/// chunk order, so ∂W is the same for every thread count, with no buffer beyond one chunk's.
func winogradWeightDomainGradient<T: TensorScalar>(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, batch n: Int,
                                                   chunk: Int, inputs c: Int, outputs o: Int, height h: Int, width w: Int,
                                                   into du: UnsafeMutablePointer<T>) {
    let plane = h * w, perSample = ((h + 1) / 2) * ((w + 1) / 2)
    let threads = Int(mixup_kernels_threads()), gemmTasks = Swift.min(threads, 16)
    let bufferCount = 16 * winogradStride(Swift.max(c, o), chunk * perSample)
    let a = UnsafeMutablePointer<T>.allocate(capacity: bufferCount), b = UnsafeMutablePointer<T>.allocate(capacity: bufferCount)
    defer { a.deallocate(); b.deallocate() }
    withSingleThreadedBLAS(gemmTasks > 1) {
        for start in Swift.stride(from: 0, to: n, by: chunk) {
            let count = Swift.min(chunk, n - start), tiles = count * perSample
            winogradInputTransform(x + start * c * plane, samples: count, channels: c, height: h, width: w,
                                   into: a, threads: threads)
            winogradOutputTransformAdjoint(gy + start * o * plane, samples: count, channels: o, height: h,
                                           width: w, into: b, threads: threads)
            // ∂U[ξ] [O, C] (+)= ∂M[ξ] [O, tiles] · V[ξ]ᵀ [tiles, C]
            kernelParallelFor(gemmTasks) { task in
                for xi in kernelTaskRange(16, task: task, of: gemmTasks) {
                    T.gemm(transposeA: false, transposeB: true, m: o, n: c, k: tiles,
                           alpha: 1, a: b + xi * winogradStride(o, tiles), lda: tiles,
                           b: a + xi * winogradStride(c, tiles), ldb: tiles,
                           beta: start == 0 ? 0 : 1, c: du + xi * o * c, ldc: c)
                }
            }
        }
    }
}

/// The three adjoints of `winogradConvolutionForward` for ∂y `[N, O, H, W]`: ∂b = Σ ∂y;
/// ∂W = Gᵀ [Σ_chunks ∂M[ξ]·V[ξ]ᵀ] G in the Winograd domain (∂M = A ∂y Aᵀ per tile, V the
/// transformed input); ∂x = the same F(2×2, 3×3) convolution of ∂y with the flipped,
/// channel-transposed kernel. Each is computed only when asked for.
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradConvolutionBackward<T: TensorScalar>(_ gradOut: Tensor<T>, input x: Tensor<T>, weight: Tensor<T>,
                                                  needInput: Bool, needWeight: Bool, needBias: Bool)
    -> (input: Tensor<T>?, weight: Tensor<T>?, bias: Tensor<T>?) {
    let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], o = weight.shape[0]
    let plane = h * w, perSample = ((h + 1) / 2) * ((w + 1) / 2)
    let chunk = winogradSamplesPerChunk(batch: n, channels: c, outputs: o, tilesPerSample: perSample)
    let threads = Int(mixup_kernels_threads())
    var db = [T](repeating: 0, count: needBias ? o : 0)
    var weightGradient: Tensor<T>? = nil
    var inputGradient: Tensor<T>? = nil
    gradOut.withUnsafeBufferPointer { gb in
        let gp = gb.baseAddress!
        if needBias {
            for s in 0..<n {
                for oc in 0..<o {
                    let row = gp + (s * o + oc) * plane
                    var acc: T = 0
                    for q in 0..<plane { acc += row[q] }
                    db[oc] += acc
                }
            }
        }
        // Two passes over the chunks, ∂W then ∂x, so the filter-sized ∂U and U′ (16·O·C each)
        // are never alive together; each pass allocates its own chunk buffers.
        if needWeight {
            let du = UnsafeMutablePointer<T>.allocate(capacity: 16 * o * c)
            defer { du.deallocate() }
            x.withUnsafeBufferPointer { xb in
                winogradWeightDomainGradient(xb.baseAddress!, gp, batch: n, chunk: chunk, inputs: c, outputs: o,
                                             height: h, width: w, into: du)
            }
            let dw = [T](unsafeUninitializedCapacity: weight.count) { dwb, count in
                winogradWeightTransformAdjoint(du, outputs: o, inputs: c, into: dwb.baseAddress!, threads: threads)
                count = weight.count
            }
            weightGradient = Tensor(shape: weight.shape, scalars: dw)
        }
        if needInput {
            let ut = UnsafeMutablePointer<T>.allocate(capacity: 16 * o * c)
            defer { ut.deallocate() }
            weight.withUnsafeBufferPointer { wb in
                winogradWeightTransform(wb.baseAddress!, outputs: o, inputs: c, transposed: true, into: ut, threads: threads)
            }
            // Every element is written by the output transform.
            let dx = [T](unsafeUninitializedCapacity: x.count) { dxb, count in
                winogradChunks(gp, batch: n, chunk: chunk, inputs: o, outputs: c, height: h, width: w, u: ut, bias: nil,
                               into: dxb.baseAddress!)
                count = x.count
            }
            inputGradient = Tensor(shape: x.shape, scalars: dx)
        }
    }
    return (inputGradient, weightGradient, needBias ? Tensor(shape: [o], scalars: db) : nil)
}
