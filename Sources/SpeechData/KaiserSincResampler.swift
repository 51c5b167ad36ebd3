import Foundation

/// Band-limited sample-rate conversion by windowed-sinc interpolation (Kaiser window), evaluated as a rational
/// polyphase filter so ratios like 8k→16k, 22.05k→16k and 44.1k→16k are exact.
///
/// With g = gcd(fs_in, fs_out), L = fs_out/g and M = fs_in/g, output sample n sits at input time t = n·M/L. It is
/// `y[n] = Σ_k x[k] · h(t − k)` with `h(u) = s·sinc(s·u)·kaiser(u / W)`, where s = min(fs_in, fs_out)/fs_in puts the
/// cutoff at min(fs_in, fs_out)/2 and W = zeroCrossings/s input samples is the half-width. The fractional part of t
/// takes only L values, so the taps are precomputed once per phase (when L·taps is small enough; otherwise they are
/// evaluated per output sample). Samples outside the input are zero. Output length is ⌈n_in·L/M⌉.
/// With the defaults (32 zero crossings, β = 8.6) the stop band is ≈ −85 dB and the transition band is centred on the
/// cutoff, about ±1.3 kHz wide for 44.1k→16k: energy just above the new Nyquist is only partly removed.
public struct KaiserSincResampler {
    /// Input sample rate in Hz.
    public let inputRate: Int
    /// Output sample rate in Hz.
    public let outputRate: Int
    /// Number of sinc zero crossings kept on each side of the centre (filter half-length, in cutoff periods).
    public let zeroCrossings: Int
    /// Kaiser window shape parameter β (larger: more stop-band attenuation, wider transition).
    public let kaiserBeta: Double

    private let up: Int            // L
    private let down: Int          // M
    private let scale: Double      // s
    private let halfWidth: Double  // W, in input samples
    private let reach: Int         // taps j ∈ −reach...reach around floor(t)
    private let rowLength: Int     // 2·reach + 1 taps rounded up to a multiple of 8 (zero-padded) for SIMD
    private let table: [Float]     // L × rowLength, empty when evaluated on the fly

    /// Creates a resampler from `inputRate` to `outputRate` Hz; throws for non-positive rates or parameters.
    public init(inputRate: Int, outputRate: Int, zeroCrossings: Int = 32, kaiserBeta: Double = 8.6) throws {
        guard inputRate > 0, outputRate > 0 else {
            throw SpeechDataError(path: "KaiserSincResampler",
                                  reason: "sample rates must be positive (got \(inputRate) → \(outputRate))")
        }
        guard zeroCrossings >= 1, zeroCrossings <= 1024, kaiserBeta >= 0, kaiserBeta.isFinite else {
            throw SpeechDataError(path: "KaiserSincResampler",
                                  reason: "need 1 ≤ zeroCrossings ≤ 1024 and a finite β ≥ 0 (got \(zeroCrossings), \(kaiserBeta))")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.zeroCrossings = zeroCrossings
        self.kaiserBeta = kaiserBeta
        var a = inputRate, b = outputRate
        while b != 0 { (a, b) = (b, a % b) }
        up = outputRate / a
        down = inputRate / a
        scale = Double(min(inputRate, outputRate)) / Double(inputRate)
        halfWidth = Double(zeroCrossings) / scale
        reach = Int(halfWidth.rounded(.up)) + 1
        let taps = 2 * reach + 1
        let row = (taps + 7) / 8 * 8
        rowLength = row
        if up * row <= 1 << 20 {
            var t = [Float](repeating: 0, count: up * row)
            for p in 0..<up {
                let frac = Double(p) / Double(up)
                for j in -reach...reach {
                    t[p * row + j + reach] = Float(Self.kernel(frac - Double(j), scale: scale, halfWidth: halfWidth,
                                                                beta: kaiserBeta))
                }
            }
            table = t
        } else {
            table = []
        }
    }

    /// Number of output samples produced for `inputCount` input samples: ⌈inputCount·L/M⌉.
    public func outputCount(forInputCount inputCount: Int) -> Int {
        (inputCount * up + down - 1) / down
    }

    /// Resamples `input` (at `inputRate`) to `outputRate`; returns a copy when the rates are equal.
    public func resample(_ input: [Float]) -> [Float] {
        if up == down { return input }
        let n = input.count
        let outCount = outputCount(forInputCount: n)
        var out = [Float](repeating: 0, count: outCount)
        let taps = 2 * reach + 1
        let row = rowLength
        var scratch = [Float](repeating: 0, count: table.isEmpty ? row : 0)
        input.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                table.withUnsafeBufferPointer { tab in
                    scratch.withUnsafeMutableBufferPointer { scr in
                        for i in 0..<outCount {
                            let pos = i * down
                            let base = pos / up
                            let phase = pos - base * up
                            let h: UnsafePointer<Float>
                            if !tab.isEmpty, let tabBase = tab.baseAddress {   // an empty array may have a base address
                                h = tabBase + phase * row
                            } else {
                                let frac = Double(phase) / Double(up)
                                for j in -reach...reach {
                                    scr[j + reach] = Float(Self.kernel(frac - Double(j), scale: scale,
                                                                       halfWidth: halfWidth, beta: kaiserBeta))
                                }
                                h = UnsafePointer(scr.baseAddress!)
                            }
                            let lo = base - reach
                            if lo >= 0 && lo + row <= n, let xBase = x.baseAddress {
                                // Interior: 8 independent lanes (the zero-padded tail taps contribute nothing).
                                let xp = UnsafeRawPointer(xBase + lo)
                                let hp = UnsafeRawPointer(h)
                                var acc = SIMD8<Float>()
                                var j = 0
                                while j < row {
                                    acc += xp.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
                                        * hp.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
                                    j += 8
                                }
                                y[i] = acc.sum()
                            } else {
                                var acc: Float = 0
                                let jStart = max(0, -lo)
                                let jEnd = min(taps, n - lo)
                                if jStart < jEnd {
                                    for j in jStart..<jEnd { acc += x[lo + j] * h[j] }
                                }
                                y[i] = acc
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// h(u) = s·sinc(s·u)·kaiser(u/W), zero for |u| ≥ W.
    private static func kernel(_ u: Double, scale: Double, halfWidth: Double, beta: Double) -> Double {
        let r = u / halfWidth
        if abs(r) >= 1 { return 0 }
        let arg = Double.pi * scale * u
        let sinc = arg == 0 ? 1 : sin(arg) / arg
        let window = besselI0(beta * (1 - r * r).squareRoot()) / besselI0(beta)
        return scale * sinc * window
    }

    /// Modified Bessel function of the first kind, order 0, by its power series (converges for all x).
    private static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let q = x * x / 4
        var k = 1.0
        while term > 1e-17 * sum {
            term *= q / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
