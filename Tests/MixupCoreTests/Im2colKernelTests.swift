import CKernels
import MixupCore
import MixupTestSupport
import XCTest

/// The C im2col kernels (CKernels/Im2col.c) against textbook loops written here: the unfolding
/// copies window taps, so it must equal the loop exactly; the fold (col2im) adds each input
/// element's patch entries starting from 0 in tap order (ki, then kj), so a loop summing in that
/// order must give the same bits even on random inputs. Geometries cover odd sizes, padding up to
/// and beyond the kernel, strides 1–3, rectangular and 1×1 windows and the 3-channel stem; each
/// runs in Float and Double on 1, 2 and 3 tasks, into buffers pre-filled with NaN so that an entry
/// left unwritten shows.
final class Im2colKernelTests: XCTestCase {
    /// (samples, channels, h, w, kh, kw, stride, padding).
    static let geometries: [(n: Int, c: Int, h: Int, w: Int, kh: Int, kw: Int, s: Int, p: Int)] = [
        (3, 3, 9, 9, 3, 3, 1, 1),      // the 3-channel stem, odd plane
        (2, 3, 32, 32, 3, 3, 1, 1),    // the stem's real plane
        (3, 4, 9, 7, 3, 3, 2, 1),      // stride-2 3×3, odd sizes (a partial last window row)
        (2, 5, 16, 16, 3, 3, 2, 1),    // stride-2 3×3 as in ResNet's res2a–res4a
        (3, 4, 8, 8, 1, 1, 2, 0),      // the 1×1 stride-2 shortcut
        (2, 3, 7, 9, 1, 1, 2, 0),      // … on odd sizes (uncovered rows and columns fold to 0)
        (2, 3, 5, 6, 1, 1, 1, 0),      // 1×1 stride 1: a copy
        (2, 2, 5, 5, 1, 1, 1, 1),      // 1×1 with padding: a zero ring in cols
        (2, 2, 6, 6, 5, 5, 1, 2),      // "same"-width 5×5 (LeNet's conv1)
        (3, 4, 5, 5, 5, 5, 1, 0),      // one window per plane (LeNet's C5)
        (1, 2, 7, 8, 3, 2, 3, 2),      // rectangular window, stride 3
        (2, 1, 4, 5, 2, 3, 2, 3),      // padding larger than the kernel: windows of zeros only
        (1, 2, 1, 1, 3, 3, 1, 1),      // a 1×1 plane under a 3×3 window
    ]

    /// (oh, ow) of a geometry.
    static func outputSize(_ h: Int, _ w: Int, _ kh: Int, _ kw: Int, _ s: Int, _ p: Int) -> (Int, Int) {
        ((h + 2 * p - kh) / s + 1, (w + 2 * p - kw) / s + 1)
    }

    /// cols[(c·kh + ki)·kw + kj][(i·oh + oy)·ow + ox] = x[i, c, oy·s − p + ki, ox·s − p + kj], 0 outside.
    static func textbookUnfold<T: BinaryFloatingPoint>(_ x: [T], _ n: Int, _ c: Int, _ h: Int, _ w: Int,
                                                     _ kh: Int, _ kw: Int, _ s: Int, _ p: Int) -> [T] {
        let (oh, ow) = outputSize(h, w, kh, kw, s, p), ld = n * oh * ow
        var cols = [T](repeating: 0, count: c * kh * kw * ld)
        for i in 0..<n { for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw { for oy in 0..<oh { for ox in 0..<ow {
            let iy = oy * s - p + ki, ix = ox * s - p + kj
            if iy >= 0 && iy < h && ix >= 0 && ix < w {
                cols[((ch * kh + ki) * kw + kj) * ld + (i * oh + oy) * ow + ox] = x[((i * c + ch) * h + iy) * w + ix]
            }
        } } } } } }
        return cols
    }

    /// dx[i, c, iy, ix] = 0 + Σ over taps (ki, then kj) of the cols entry unfolded from it.
    static func textbookFold<T: BinaryFloatingPoint>(_ cols: [T], _ n: Int, _ c: Int, _ h: Int, _ w: Int,
                                                   _ kh: Int, _ kw: Int, _ s: Int, _ p: Int) -> [T] {
        let (oh, ow) = outputSize(h, w, kh, kw, s, p), ld = n * oh * ow
        var dx = [T](repeating: 0, count: n * c * h * w)
        for i in 0..<n { for ch in 0..<c { for iy in 0..<h { for ix in 0..<w {
            var sum: T = 0
            for ki in 0..<kh { for kj in 0..<kw {
                let ty = iy + p - ki, tx = ix + p - kj
                guard ty >= 0, tx >= 0, ty % s == 0, tx % s == 0, ty / s < oh, tx / s < ow else { continue }
                sum += cols[((ch * kh + ki) * kw + kj) * ld + (i * oh + ty / s) * ow + tx / s]
            } }
            dx[((i * c + ch) * h + iy) * w + ix] = sum
        } } } }
        return dx
    }

    /// True when `a` and `b` hold the same bits (so −0 ≠ +0 and an unwritten NaN never matches).
    static func sameBits<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> Bool where T.RawSignificand: FixedWidthInteger {
        a.count == b.count && zip(a, b).allSatisfy { $0.sign == $1.sign && $0.exponentBitPattern == $1.exponentBitPattern
            && $0.significandBitPattern == $1.significandBitPattern }
    }

    func testUnfoldEqualsTextbookWindowsInBothPrecisionsOnOneTwoAndThreeTasks() {
        var data = TestData(seed: 931)
        for (n, c, h, w, kh, kw, s, p) in Self.geometries {
            let x = data.tensor([n * c * h * w]).scalars
            let (oh, ow) = Self.outputSize(h, w, kh, kw, s, p), count = c * kh * kw * n * oh * ow
            let expected = Self.textbookUnfold(x, n, c, h, w, kh, kw, s, p)
            let xf = x.map(Float.init), expectedFloat = Self.textbookUnfold(xf, n, c, h, w, kh, kw, s, p)
            let label = "x [\(n), \(c), \(h), \(w)] window \(kh)×\(kw) stride \(s) padding \(p)"
            for tasks in Int32(1)...3 {
                var cols = [Double](repeating: .nan, count: count)
                XCTAssertEqual(mixup_im2col_unfold_f64(x, n, c, h, w, kh, kw, s, p, &cols, tasks), 0, label)
                XCTAssertTrue(Self.sameBits(cols, expected), "Double, \(tasks) tasks, \(label)")
                var colsFloat = [Float](repeating: .nan, count: count)
                XCTAssertEqual(mixup_im2col_unfold_f32(xf, n, c, h, w, kh, kw, s, p, &colsFloat, tasks), 0, label)
                XCTAssertTrue(Self.sameBits(colsFloat, expectedFloat), "Float, \(tasks) tasks, \(label)")
            }
        }
    }

    func testFoldEqualsTextbookSumInTapOrderInBothPrecisionsOnOneTwoAndThreeTasks() {
        var data = TestData(seed: 932)
        for (n, c, h, w, kh, kw, s, p) in Self.geometries {
            let (oh, ow) = Self.outputSize(h, w, kh, kw, s, p)
            let cols = data.tensor([c * kh * kw * n * oh * ow]).scalars
            let expected = Self.textbookFold(cols, n, c, h, w, kh, kw, s, p)
            let colsFloat = cols.map(Float.init), expectedFloat = Self.textbookFold(colsFloat, n, c, h, w, kh, kw, s, p)
            let label = "dx [\(n), \(c), \(h), \(w)] window \(kh)×\(kw) stride \(s) padding \(p)"
            for tasks in Int32(1)...3 {
                var dx = [Double](repeating: .nan, count: n * c * h * w)
                XCTAssertEqual(mixup_im2col_fold_f64(cols, n, c, h, w, kh, kw, s, p, &dx, tasks), 0, label)
                XCTAssertTrue(Self.sameBits(dx, expected), "Double, \(tasks) tasks, \(label)")
                var dxFloat = [Float](repeating: .nan, count: n * c * h * w)
                XCTAssertEqual(mixup_im2col_fold_f32(colsFloat, n, c, h, w, kh, kw, s, p, &dxFloat, tasks), 0, label)
                XCTAssertTrue(Self.sameBits(dxFloat, expectedFloat), "Float, \(tasks) tasks, \(label)")
            }
        }
    }

    /// A −0 patch entry folds to +0 (it stands for the sum 0 + (−0)), as the Swift loops did.
    func testFoldWritesPositiveZeroForANegativeZeroEntry() {
        for (kh, s, p) in [(1, 1, 0), (1, 2, 0), (3, 1, 1)] {
            let (oh, ow) = Self.outputSize(4, 4, kh, kh, s, p)
            let cols = [Double](repeating: -0.0, count: kh * kh * oh * ow)
            var dx = [Double](repeating: .nan, count: 16)
            XCTAssertEqual(mixup_im2col_fold_f64(cols, 1, 1, 4, 4, kh, kh, s, p, &dx, 1), 0)
            XCTAssertTrue(dx.allSatisfy { $0 == 0 && $0.sign == .plus }, "window \(kh)×\(kh) stride \(s): \(dx)")
        }
    }

    func testInvalidGeometryIsRejectedWithoutWriting() {
        var out = [Float](repeating: 7, count: 64)
        let x = [Float](repeating: 1, count: 64)
        // A 5×5 window on an unpadded 2×2 plane, stride 0, negative padding, an empty kernel.
        for (h, k, s, p) in [(2, 5, 1, 0), (4, 3, 0, 1), (4, 3, 1, -1), (4, 0, 1, 0)] {
            XCTAssertEqual(mixup_im2col_unfold_f32(x, 1, 1, h, h, k, k, s, p, &out, 1), -2, "unfold h \(h) k \(k) s \(s) p \(p)")
            XCTAssertEqual(mixup_im2col_fold_f32(x, 1, 1, h, h, k, k, s, p, &out, 1), -2, "fold h \(h) k \(k) s \(s) p \(p)")
        }
        XCTAssertTrue(out.allSatisfy { $0 == 7 })
    }

    /// A 1×1 stride-1 layer whose chunk is one sample runs its GEMMs on x and ∂x directly (no patch
    /// matrix); with several samples per chunk it unfolds (a copy). Both must equal the textbook
    /// convolution and its adjoints, and agree with each other bit for bit at 1 and 2 kernel threads.
    func testPointwiseConvolutionWithAndWithoutUnfoldingMatchesTextbookAdjoints() {
        var data = TestData(seed: 933)
        // 32 channels × 32×32: one sample per chunk (the direct path); 4×4 planes: many per chunk.
        for xs in [[2, 32, 32, 32], [3, 5, 4, 4]] {
            let ws = [6, xs[1], 1, 1]
            let x = data.tensor(xs), w = data.tensor(ws), b = data.tensor([6]), g = data.tensor([xs[0], 6, xs[2], xs[3]])
            let one = convolutionAndAdjoints(x, w, b, g, stride: 1, padding: 0, algorithm: .im2colGEMM, kernelThreads: 1)
            let two = convolutionAndAdjoints(x, w, b, g, stride: 1, padding: 0, algorithm: .im2colGEMM, kernelThreads: 2)
            let label = "x \(xs)"
            XCTAssertLessThanOrEqual(relativeError(one[0], referenceConvolution(x, w, b, stride: 1, padding: 0)), 1e-12, label)
            let wProbe = data.tensor(ws), xProbe = data.tensor(xs)
            let lhsW = innerProduct(referenceConvolution(x, wProbe, nil, stride: 1, padding: 0), g)
            let lhsX = innerProduct(referenceConvolution(xProbe, w, nil, stride: 1, padding: 0), g)
            XCTAssertEqual(innerProduct(wProbe, one[2]), lhsW, accuracy: 1e-10 * max(1, abs(lhsW)), "∂W, \(label)")
            XCTAssertEqual(innerProduct(xProbe, one[1]), lhsX, accuracy: 1e-10 * max(1, abs(lhsX)), "∂x, \(label)")
            for (k, name) in ["y", "∂x", "∂W", "∂b"].enumerated() { XCTAssertEqual(one[k], two[k], "\(name), \(label)") }
        }
    }
}
