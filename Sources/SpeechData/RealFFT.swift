import CFFTW
import Foundation

/// Forward FFT of real frames of one fixed length through FFTW single precision (`fftwf_plan_dft_r2c_1d`),
/// planned once at creation and reused for every frame.
///
/// FFTW's planner is not thread-safe, so planning and plan destruction take a process-wide lock. Execution uses this
/// instance's own FFTW-allocated (aligned) buffers, so one instance must not be used from two threads at once;
/// create one per thread instead.
public final class RealFFT {
    /// Frame length n; the transform yields n/2 + 1 complex bins (DC … Nyquist).
    public let size: Int
    /// Number of complex output bins, n/2 + 1.
    public var binCount: Int { size / 2 + 1 }

    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: OpaquePointer

    /// Serialises FFTW planner calls (planning and destroying plans), which FFTW documents as not thread-safe.
    private static let plannerLock = NSLock()

    /// Plans a real-to-complex transform of `size` samples (FFTW_ESTIMATE: no timing runs); `size` must be ≥ 2.
    public init(size: Int) throws {
        guard size >= 2, size <= 1 << 24 else {
            throw SpeechDataError(path: "RealFFT", reason: "frame length must be in 2...16777216, got \(size)")
        }
        self.size = size
        input = fftwf_alloc_real(size)
        output = fftwf_alloc_complex(size / 2 + 1)
        RealFFT.plannerLock.lock()
        let p = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))
        RealFFT.plannerLock.unlock()
        guard let p else {
            fftwf_free(input)
            fftwf_free(output)
            throw SpeechDataError(path: "RealFFT", reason: "FFTW could not plan a transform of length \(size)")
        }
        plan = p
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftwf_destroy_plan(plan)
        RealFFT.plannerLock.unlock()
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Transforms `frame` (exactly `size` samples; a shorter one is zero-padded, a longer one truncated) and calls
    /// `body` with the bins as interleaved (re, im) pairs, 2·binCount floats, valid only during the call.
    public func transform<R>(_ frame: UnsafeBufferPointer<Float>, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let m = min(frame.count, size)
        if m > 0, let src = frame.baseAddress { input.update(from: src, count: m) }
        if m < size { (input + m).update(repeating: 0, count: size - m) }
        return try withFilledInput(body)
    }

    /// Fills the input buffer in place with `fill` (given `size` writable floats), transforms it and calls `body`
    /// with the interleaved (re, im) bins; avoids a copy when frames are built sample by sample.
    public func transform<R>(filling fill: (UnsafeMutableBufferPointer<Float>) -> Void,
                             _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        fill(UnsafeMutableBufferPointer(start: input, count: size))
        return try withFilledInput(body)
    }

    /// Convenience for small uses and tests: the complex spectrum of `frame` as (re, im) pairs.
    public func spectrum(_ frame: [Float]) -> [(re: Float, im: Float)] {
        frame.withUnsafeBufferPointer { f in
            transform(f) { bins in (0..<binCount).map { (bins[2 * $0], bins[2 * $0 + 1]) } }
        }
    }

    private func withFilledInput<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        fftwf_execute(plan)
        let floats = UnsafeRawPointer(output).assumingMemoryBound(to: Float.self)
        return try body(UnsafeBufferPointer(start: floats, count: 2 * binCount))
    }
}
