import Foundation
import SpeechData
import XCTest

final class KaiserSincResamplerTests: XCTestCase {
    private func sine(_ f: Double, rate: Int, count: Int, amplitude: Double = 0.8) -> [Float] {
        (0..<count).map { Float(amplitude * sin(2 * Double.pi * f * Double($0) / Double(rate))) }
    }

    /// Largest |y[n] − A·sin(2πf n/fs)| over the interior (edges excluded: the input is zero outside its span).
    private func maxErrorAgainstAnalyticSine(_ y: [Float], f: Double, rate: Int, amplitude: Double, margin: Int) -> Double {
        var worst = 0.0
        for n in margin..<(y.count - margin) {
            worst = max(worst, abs(Double(y[n]) - amplitude * sin(2 * Double.pi * f * Double(n) / Double(rate))))
        }
        return worst
    }

    private func rms(_ y: [Float], margin: Int) -> Double {
        var s = 0.0
        for n in margin..<(y.count - margin) { s += Double(y[n]) * Double(y[n]) }
        return (s / Double(y.count - 2 * margin)).squareRoot()
    }

    func testUpsampling8kTo16kKeepsSineFrequencyAndAmplitude() throws {
        let r = try KaiserSincResampler(inputRate: 8000, outputRate: 16000)
        for f in [440.0, 1000.0, 3000.0] {
            let y = r.resample(sine(f, rate: 8000, count: 4000))
            XCTAssertEqual(y.count, 8000)
            let err = maxErrorAgainstAnalyticSine(y, f: f, rate: 16000, amplitude: 0.8, margin: 200)
            XCTAssertLessThan(err, 2e-3, "f = \(f) Hz")
        }
    }

    func testDownsampling44100To16kKeepsPassbandTone() throws {
        let r = try KaiserSincResampler(inputRate: 44100, outputRate: 16000)
        let y = r.resample(sine(1000, rate: 44100, count: 44100 / 4))
        XCTAssertEqual(y.count, 4000)
        XCTAssertLessThan(maxErrorAgainstAnalyticSine(y, f: 1000, rate: 16000, amplitude: 0.8, margin: 200), 2e-3)
    }

    func testDownsampling44100To16kAttenuatesToneAboveNewNyquist() throws {
        let r = try KaiserSincResampler(inputRate: 44100, outputRate: 16000)
        let y = r.resample(sine(10_000, rate: 44100, count: 44100 / 4, amplitude: 1))
        // An unfiltered decimation would alias 10 kHz to 6 kHz at RMS 0.707; require at least 60 dB less.
        XCTAssertLessThan(rms(y, margin: 200), 0.707e-3)
    }

    func testDownsampling22050To16kKeepsPassbandToneAndLength() throws {
        let r = try KaiserSincResampler(inputRate: 22050, outputRate: 16000)
        XCTAssertEqual(r.outputCount(forInputCount: 22050), 16000)
        XCTAssertEqual(r.outputCount(forInputCount: 3), 3)   // ⌈3·320/441⌉ = ⌈2.18⌉
        let y = r.resample(sine(2500, rate: 22050, count: 22050))
        XCTAssertEqual(y.count, 16000)
        XCTAssertLessThan(maxErrorAgainstAnalyticSine(y, f: 2500, rate: 16000, amplitude: 0.8, margin: 200), 2e-3)
    }

    func testIncommensurateRatesUseOnTheFlyTapsAndStillPreserveTone() throws {
        // gcd(44101, 16000) = 1: 16000 phases would make a big table, so taps are evaluated per output sample.
        let r = try KaiserSincResampler(inputRate: 44101, outputRate: 16000)
        let y = r.resample(sine(1500, rate: 44101, count: 4410))
        XCTAssertLessThan(maxErrorAgainstAnalyticSine(y, f: 1500, rate: 16000, amplitude: 0.8, margin: 150), 2e-3)
    }

    func testEqualRatesReturnTheInput() throws {
        let x: [Float] = [0.1, -0.2, 0.3]
        XCTAssertEqual(try KaiserSincResampler(inputRate: 16000, outputRate: 16000).resample(x), x)
    }

    func testNonPositiveRateIsRejected() {
        XCTAssertThrowsError(try KaiserSincResampler(inputRate: 0, outputRate: 16000)) { error in
            XCTAssertTrue("\(error)".contains("sample rates must be positive"), "\(error)")
        }
    }
}
