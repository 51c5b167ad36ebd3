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
/// the call. The transforms run on one thread; OpenBLAS threads the GEMMs.

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

/// U[ξ][o][c] = (G g Gᵀ)[ξ] for every 3×3 filter g = W[o, c] of W `[O, C, 3, 3]`. With `transposed`,
/// the filter of the input gradient instead: U[ξ][c][o] from W[o, c] rotated by 180° (∂x is the
/// convolution of ∂y with the flipped, channel-transposed kernel).
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradWeightTransform<T: TensorScalar>(_ w: UnsafePointer<T>, outputs: Int, inputs: Int, transposed: Bool,
                                              into u: UnsafeMutablePointer<T>) {
    let half: T = 0.5, stride = outputs * inputs
    for o in 0..<outputs {
        for c in 0..<inputs {
            let f = w + (o * inputs + c) * 9
            @inline(__always) func g(_ i: Int, _ j: Int) -> T { transposed ? f[8 - 3 * i - j] : f[3 * i + j] }
            let offset = transposed ? c * outputs + o : o * inputs + c
            // Rows of G g (4×3), one column j at a time, then (G g) Gᵀ along that row.
            var rows: (T, T, T, T, T, T, T, T, T, T, T, T) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &rows) { raw in
                let r = raw.baseAddress!.assumingMemoryBound(to: T.self)
                for j in 0..<3 {
                    let g0 = g(0, j), g1 = g(1, j), g2 = g(2, j)
                    r[j] = g0
                    r[3 + j] = half * (g0 + g1 + g2)
                    r[6 + j] = half * (g0 - g1 + g2)
                    r[9 + j] = g2
                }
                for i in 0..<4 {
                    let a = r[3 * i], b = r[3 * i + 1], d = r[3 * i + 2]
                    u[(4 * i) * stride + offset] = a
                    u[(4 * i + 1) * stride + offset] = half * (a + b + d)
                    u[(4 * i + 2) * stride + offset] = half * (a - b + d)
                    u[(4 * i + 3) * stride + offset] = d
                }
            }
        }
    }
}

/// ∂W[o, c] = Gᵀ ∂U[ξ][o][c] G: the adjoint of `winogradWeightTransform` (not transposed), written
/// into ∂W `[O, C, 3, 3]`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradWeightTransformAdjoint<T: TensorScalar>(_ du: UnsafePointer<T>, outputs: Int, inputs: Int,
                                                     into dw: UnsafeMutablePointer<T>) {
    let half: T = 0.5, stride = outputs * inputs
    for o in 0..<outputs {
        for c in 0..<inputs {
            let offset = o * inputs + c
            let f = dw + offset * 9
            var rows: (T, T, T, T, T, T, T, T, T, T, T, T) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &rows) { raw in
                let r = raw.baseAddress!.assumingMemoryBound(to: T.self)
                // Rows: Gᵀ ∂U (3×4).
                for j in 0..<4 {
                    let u0 = du[j * stride + offset], u1 = du[(4 + j) * stride + offset]
                    let u2 = du[(8 + j) * stride + offset], u3 = du[(12 + j) * stride + offset]
                    r[j] = u0 + half * (u1 + u2)
                    r[4 + j] = half * (u1 - u2)
                    r[8 + j] = half * (u1 + u2) + u3
                }
                // Columns: (Gᵀ ∂U) G (3×3).
                for i in 0..<3 {
                    let a = r[4 * i], b = r[4 * i + 1], d = r[4 * i + 2], e = r[4 * i + 3]
                    f[3 * i] = a + half * (b + d)
                    f[3 * i + 1] = half * (b - d)
                    f[3 * i + 2] = half * (b + d) + e
                }
            }
        }
    }
}

/// V[ξ][c][t] = (Bᵀ d B)[ξ] for every 4×4 patch d of `samples` samples `[C, H, W]` starting at `x`
/// (padding 1, tiles ⌈H/2⌉ × ⌈W/2⌉). Each plane is first copied into `padded`, a zero-bordered
/// (2·tilesHigh + 2) × (2·tilesWide + 2) scratch plane, so every tile reads without bounds checks.
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradInputTransform<T: TensorScalar>(_ x: UnsafePointer<T>, samples: Int, channels: Int, height: Int, width: Int,
                                             into v: UnsafeMutablePointer<T>, padded: UnsafeMutablePointer<T>) {
    let th = (height + 1) / 2, tw = (width + 1) / 2, tiles = samples * th * tw
    let xs = winogradStride(channels, tiles)
    let pw = 2 * tw + 2, ph = 2 * th + 2
    padded.update(repeating: 0, count: pw * ph)   // the border (and the odd far edge) stays zero
    for s in 0..<samples {
        for c in 0..<channels {
            let plane = x + (s * channels + c) * height * width
            for iy in 0..<height {
                let src = plane + iy * width, dst = padded + (iy + 1) * pw + 1
                for ix in 0..<width { dst[ix] = src[ix] }
            }
            for ty in 0..<th {
                let out = v + c * tiles + (s * th + ty) * tw
                let a = padded + 2 * ty * pw, b = a + pw, cc = b + pw, d = cc + pw
                for tx in 0..<tw {
                    let k = 2 * tx
                    // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then the same on the columns.
                    let r00 = a[k] - cc[k], r01 = a[k + 1] - cc[k + 1], r02 = a[k + 2] - cc[k + 2], r03 = a[k + 3] - cc[k + 3]
                    let r10 = b[k] + cc[k], r11 = b[k + 1] + cc[k + 1], r12 = b[k + 2] + cc[k + 2], r13 = b[k + 3] + cc[k + 3]
                    let r20 = cc[k] - b[k], r21 = cc[k + 1] - b[k + 1], r22 = cc[k + 2] - b[k + 2], r23 = cc[k + 3] - b[k + 3]
                    let r30 = b[k] - d[k], r31 = b[k + 1] - d[k + 1], r32 = b[k + 2] - d[k + 2], r33 = b[k + 3] - d[k + 3]
                    let o = out + tx
                    o[0] = r00 - r02; o[xs] = r01 + r02; o[2 * xs] = r02 - r01; o[3 * xs] = r01 - r03
                    o[4 * xs] = r10 - r12; o[5 * xs] = r11 + r12; o[6 * xs] = r12 - r11; o[7 * xs] = r11 - r13
                    o[8 * xs] = r20 - r22; o[9 * xs] = r21 + r22; o[10 * xs] = r22 - r21; o[11 * xs] = r21 - r23
                    o[12 * xs] = r30 - r32; o[13 * xs] = r31 + r32; o[14 * xs] = r32 - r31; o[15 * xs] = r31 - r33
                }
            }
        }
    }
}

/// Elements of the padded scratch plane `winogradInputTransform` needs for an H × W plane.
func winogradPaddedPlane(height: Int, width: Int) -> Int { (2 * ((height + 1) / 2) + 2) * (2 * ((width + 1) / 2) + 2) }

/// y = Aᵀ M[·][o][t] A (+ bias[o]) for every tile: writes the valid outputs of `samples` samples
/// `[O, H, W]` starting at `y` (a partial tile on an odd edge writes only its inside).
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradOutputTransform<T: TensorScalar>(_ m: UnsafePointer<T>, samples: Int, channels: Int, height: Int, width: Int,
                                              bias: UnsafePointer<T>?, into y: UnsafeMutablePointer<T>) {
    let th = (height + 1) / 2, tw = (width + 1) / 2, tiles = samples * th * tw
    let xs = winogradStride(channels, tiles), pairs = width / 2
    for s in 0..<samples {
        for o in 0..<channels {
            let b: T = bias?[o] ?? 0
            let plane = y + (s * channels + o) * height * width
            for ty in 0..<th {
                let p = m + o * tiles + (s * th + ty) * tw
                @inline(__always) func tile(_ tx: Int) -> (T, T, T, T) {
                    let q = p + tx
                    let m00 = q[0], m01 = q[xs], m02 = q[2 * xs], m03 = q[3 * xs]
                    let m10 = q[4 * xs], m11 = q[5 * xs], m12 = q[6 * xs], m13 = q[7 * xs]
                    let m20 = q[8 * xs], m21 = q[9 * xs], m22 = q[10 * xs], m23 = q[11 * xs]
                    let m30 = q[12 * xs], m31 = q[13 * xs], m32 = q[14 * xs], m33 = q[15 * xs]
                    // Aᵀ M: rows m0 + m1 + m2 and m1 − m2 − m3; then the same on the columns.
                    let a0 = m00 + m10 + m20, a1 = m01 + m11 + m21, a2 = m02 + m12 + m22, a3 = m03 + m13 + m23
                    let c0 = m10 - m20 - m30, c1 = m11 - m21 - m31, c2 = m12 - m22 - m32, c3 = m13 - m23 - m33
                    return (a0 + a1 + a2 + b, a1 - a2 - a3 + b, c0 + c1 + c2 + b, c1 - c2 - c3 + b)
                }
                let row0 = plane + 2 * ty * width, row1 = row0 + width
                if 2 * ty + 1 < height {
                    for tx in 0..<pairs {
                        let t = tile(tx)
                        row0[2 * tx] = t.0; row0[2 * tx + 1] = t.1; row1[2 * tx] = t.2; row1[2 * tx + 1] = t.3
                    }
                    if width % 2 == 1 { let t = tile(tw - 1); row0[width - 1] = t.0; row1[width - 1] = t.2 }
                } else {
                    for tx in 0..<pairs { let t = tile(tx); row0[2 * tx] = t.0; row0[2 * tx + 1] = t.1 }
                    if width % 2 == 1 { row0[width - 1] = tile(tw - 1).0 }
                }
            }
        }
    }
}

/// ∂M[ξ][o][t] = (A ∂y Aᵀ)[ξ] for every 2×2 tile of the output gradient of `samples` samples
/// `[O, H, W]` (outside the output, ∂y is zero): the adjoint of `winogradOutputTransform`.
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradOutputTransformAdjoint<T: TensorScalar>(_ dy: UnsafePointer<T>, samples: Int, channels: Int,
                                                     height: Int, width: Int, into dm: UnsafeMutablePointer<T>) {
    let th = (height + 1) / 2, tw = (width + 1) / 2, tiles = samples * th * tw
    let xs = winogradStride(channels, tiles), pairs = width / 2
    for s in 0..<samples {
        for o in 0..<channels {
            let plane = dy + (s * channels + o) * height * width
            for ty in 0..<th {
                let p = dm + o * tiles + (s * th + ty) * tw
                @inline(__always) func store(_ tx: Int, _ y00: T, _ y01: T, _ y10: T, _ y11: T) {
                    // A ∂y: rows y0, y0 + y1, y0 − y1, −y1; columns (a, b) → (a, a + b, a − b, −b).
                    let q = p + tx
                    @inline(__always) func row(_ i: Int, _ a: T, _ b: T) {
                        q[4 * i * xs] = a; q[(4 * i + 1) * xs] = a + b; q[(4 * i + 2) * xs] = a - b; q[(4 * i + 3) * xs] = -b
                    }
                    row(0, y00, y01)
                    row(1, y00 + y10, y01 + y11)
                    row(2, y00 - y10, y01 - y11)
                    row(3, -y10, -y11)
                }
                let row0 = plane + 2 * ty * width, row1 = row0 + width
                let full = 2 * ty + 1 < height
                for tx in 0..<pairs {
                    let k = 2 * tx
                    if full { store(tx, row0[k], row0[k + 1], row1[k], row1[k + 1]) } else { store(tx, row0[k], row0[k + 1], 0, 0) }
                }
                if width % 2 == 1 { store(tw - 1, row0[width - 1], 0, full ? row1[width - 1] : 0, 0) }
            }
        }
    }
}

// MARK: Convolution

/// The Winograd forward pass of one chunk: y = conv(x, W) (+ b) for `samples` samples, with the
/// filters already transformed into `u` ([16][outputs][inputs]); `v` and `m` hold the chunk's
/// transformed input and product.
@_specialize(where T == Float)
@_specialize(where T == Double)
func winogradChunk<T: TensorScalar>(_ x: UnsafePointer<T>, samples: Int, inputs: Int, outputs: Int,
                                    height: Int, width: Int, u: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                    into y: UnsafeMutablePointer<T>, v: UnsafeMutablePointer<T>,
                                    m: UnsafeMutablePointer<T>, padded: UnsafeMutablePointer<T>) {
    let tiles = samples * ((height + 1) / 2) * ((width + 1) / 2)
    winogradInputTransform(x, samples: samples, channels: inputs, height: height, width: width, into: v, padded: padded)
    for xi in 0..<16 {
        T.gemm(transposeA: false, transposeB: false, m: outputs, n: tiles, k: inputs,
               alpha: 1, a: u + xi * outputs * inputs, lda: inputs, b: v + xi * winogradStride(inputs, tiles), ldb: tiles,
               beta: 0, c: m + xi * winogradStride(outputs, tiles), ldc: tiles)
    }
    winogradOutputTransform(m, samples: samples, channels: outputs, height: height, width: width, bias: bias, into: y)
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
    var u = [T](unsafeUninitializedCapacity: 16 * o * c) { _, count in count = 16 * o * c }
    let vCount = 16 * winogradStride(c, chunk * perSample), mCount = 16 * winogradStride(o, chunk * perSample)
    var v = [T](unsafeUninitializedCapacity: vCount) { _, count in count = vCount }
    var m = [T](unsafeUninitializedCapacity: mCount) { _, count in count = mCount }
    let pp = UnsafeMutablePointer<T>.allocate(capacity: winogradPaddedPlane(height: h, width: w))
    defer { pp.deallocate() }
    // Every element is written by the output transform.
    var out = [T](unsafeUninitializedCapacity: total) { _, count in count = total }
    weight.withUnsafeBufferPointer { wb in
        u.withUnsafeMutableBufferPointer { ub in
            winogradWeightTransform(wb.baseAddress!, outputs: o, inputs: c, transposed: false, into: ub.baseAddress!)
        }
    }
    let biasScalars = bias?.scalars
    x.withUnsafeBufferPointer { xb in
        u.withUnsafeBufferPointer { ub in
            v.withUnsafeMutableBufferPointer { vb in
                m.withUnsafeMutableBufferPointer { mb in
                        out.withUnsafeMutableBufferPointer { ob in
                            let xp = xb.baseAddress!, up = ub.baseAddress!, op = ob.baseAddress!
                            let vp = vb.baseAddress!, mp = mb.baseAddress!
                            let run = { (biasPointer: UnsafePointer<T>?) in
                                for start in Swift.stride(from: 0, to: n, by: chunk) {
                                    let count = Swift.min(chunk, n - start)
                                    winogradChunk(xp + start * c * h * w, samples: count, inputs: c, outputs: o,
                                                  height: h, width: w, u: up, bias: biasPointer,
                                                  into: op + start * o * h * w, v: vp, m: mp, padded: pp)
                                }
                            }
                            if let biasScalars {
                                biasScalars.withUnsafeBufferPointer { run($0.baseAddress!) }
                            } else {
                                run(nil)
                            }
                        }
                    }
                }
        }
    }
    return Tensor(shape: [n, o, h, w], scalars: out)
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
        guard needInput || needWeight else { return }
        // Two passes over the chunks, ∂W then ∂x, so the filter-sized ∂U and U′ (16·O·C each)
        // are never alive together; the two chunk buffers serve both.
        let bufferCount = 16 * winogradStride(Swift.max(c, o), chunk * perSample)
        let a = UnsafeMutablePointer<T>.allocate(capacity: bufferCount), b = UnsafeMutablePointer<T>.allocate(capacity: bufferCount)
        let pp = UnsafeMutablePointer<T>.allocate(capacity: winogradPaddedPlane(height: h, width: w))
        defer { a.deallocate(); b.deallocate(); pp.deallocate() }
        if needWeight {
            let du = UnsafeMutablePointer<T>.allocate(capacity: 16 * o * c)
            defer { du.deallocate() }
            du.initialize(repeating: 0, count: 16 * o * c)
            x.withUnsafeBufferPointer { xb in
                for start in Swift.stride(from: 0, to: n, by: chunk) {
                    let count = Swift.min(chunk, n - start), tiles = count * perSample
                    winogradInputTransform(xb.baseAddress! + start * c * plane, samples: count, channels: c,
                                           height: h, width: w, into: a, padded: pp)
                    winogradOutputTransformAdjoint(gp + start * o * plane, samples: count, channels: o,
                                                   height: h, width: w, into: b)
                    // ∂U[ξ] [O, C] += ∂M[ξ] [O, tiles] · V[ξ]ᵀ [tiles, C]
                    for xi in 0..<16 {
                        T.gemm(transposeA: false, transposeB: true, m: o, n: c, k: tiles,
                               alpha: 1, a: b + xi * winogradStride(o, tiles), lda: tiles,
                               b: a + xi * winogradStride(c, tiles), ldb: tiles,
                               beta: 1, c: du + xi * o * c, ldc: c)
                    }
                }
            }
            var dw = [T](repeating: 0, count: weight.count)
            dw.withUnsafeMutableBufferPointer { dwb in
                winogradWeightTransformAdjoint(du, outputs: o, inputs: c, into: dwb.baseAddress!)
            }
            weightGradient = Tensor(shape: weight.shape, scalars: dw)
        }
        if needInput {
            let ut = UnsafeMutablePointer<T>.allocate(capacity: 16 * o * c)
            defer { ut.deallocate() }
            weight.withUnsafeBufferPointer { wb in
                winogradWeightTransform(wb.baseAddress!, outputs: o, inputs: c, transposed: true, into: ut)
            }
            // Every element is written by the output transform.
            let dx = [T](unsafeUninitializedCapacity: x.count) { dxb, count in
                for start in Swift.stride(from: 0, to: n, by: chunk) {
                    let samples = Swift.min(chunk, n - start)
                    winogradChunk(gp + start * o * plane, samples: samples, inputs: o, outputs: c, height: h, width: w,
                                  u: ut, bias: nil, into: dxb.baseAddress! + start * c * plane, v: b, m: a, padded: pp)
                }
                count = x.count
            }
            inputGradient = Tensor(shape: x.shape, scalars: dx)
        }
    }
    return (inputGradient, weightGradient, needBias ? Tensor(shape: [o], scalars: db) : nil)
}
