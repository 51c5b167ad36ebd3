import Foundation
import SeededRandom
import SpeechData
import XCTest

final class LogSpectrogramTests: XCTestCase {
    private func noise(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(rng.uniform() * 2 - 1) * 0.5 }
    }

    /// Float64 naive DFT X_k = Σ x_n e^{−2πikn/N} for k in 0...N/2.
    private func naiveDFT(_ x: [Double]) -> [(re: Double, im: Double)] {
        let n = x.count
        return (0...(n / 2)).map { k in
            var re = 0.0, im = 0.0
            for (i, v) in x.enumerated() {
                let a = -2 * Double.pi * Double(k * i % n) / Double(n)
                re += v * cos(a); im += v * sin(a)
            }
            return (re, im)
        }
    }

    func testRealFFTMatchesNaiveFloat64DFT() throws {
        let fft = try RealFFT(size: 320)
        for seed in [1, 2, 3] as [UInt64] {
            let x = noise(320, seed: seed)
            let got = fft.spectrum(x)
            let want = naiveDFT(x.map(Double.init))
            XCTAssertEqual(got.count, 161)
            for k in 0..<161 {
                XCTAssertEqual(Double(got[k].re), want[k].re, accuracy: 1e-4 * 20)
                XCTAssertEqual(Double(got[k].im), want[k].im, accuracy: 1e-4 * 20)
            }
        }
    }

    func testFramesMatchIndependentFloat64Reference() throws {
        var settings = SpectrogramSettings.paper
        settings.normalize = false
        let spec = try LogSpectrogram(settings: settings)
        let x = noise(16000, seed: 42)
        let s = spec.compute(x)
        XCTAssertEqual(s.count, 160 * 101)
        for t in [0, 1, 37, 100] {
            // Centred frame t: samples t·160 − 160 ..< t·160 + 160, zero outside [0, 16000), periodic Hann.
            let frame: [Double] = (0..<320).map { i in
                let k = t * 160 - 160 + i
                let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / 320)
                return (k >= 0 && k < 16000) ? Double(x[k]) * w : 0
            }
            let X = naiveDFT(frame)
            for f in 0..<160 {
                let want = log1p((X[f].re * X[f].re + X[f].im * X[f].im).squareRoot())
                XCTAssertEqual(Double(s[f * 101 + t]), want, accuracy: 1e-4, "frame \(t) bin \(f)")
            }
        }
    }

    func testOneSecondGives160By101NormalisedToZeroMeanUnitStd() throws {
        let spec = try LogSpectrogram()
        XCTAssertEqual(spec.settings.height, 160)
        XCTAssertEqual(spec.settings.width, 101)
        let s = spec.compute(noise(16000, seed: 7))
        XCTAssertEqual(s.count, 160 * 101)
        let mean = s.reduce(0.0) { $0 + Double($1) } / Double(s.count)
        let std = (s.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(s.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 1e-5)
        XCTAssertEqual(std, 1, accuracy: 1e-4)
    }

    func testShortAudioIsZeroPaddedAndLongAudioIsCropped() throws {
        let spec = try LogSpectrogram()
        let x = noise(20000, seed: 9)
        XCTAssertEqual(spec.compute(x), spec.compute(Array(x[0..<16000])))
        let short = Array(x[0..<7000])
        XCTAssertEqual(spec.compute(short), spec.compute(short + [Float](repeating: 0, count: 9000)))
    }

    func testSilenceGivesZerosNotNaN() throws {
        let s = try LogSpectrogram().compute([Float](repeating: 0, count: 16000))
        XCTAssertTrue(s.allSatisfy { $0 == 0 })
    }

    func testPureToneEnergyLandsInItsBin() throws {
        var settings = SpectrogramSettings.paper
        settings.normalize = false
        let s = try LogSpectrogram(settings: settings).compute(
            (0..<16000).map { Float(sin(2 * Double.pi * 1000 * Double($0) / 16000)) })
        // 1000 Hz at 50 Hz per bin is bin 20; in a middle frame it must be the largest bin.
        let column = (0..<160).map { s[$0 * 101 + 50] }
        XCTAssertEqual(column.indices.max { column[$0] < column[$1] }, 20)
    }

    func testInvalidSettingsAreRejected() {
        XCTAssertThrowsError(try LogSpectrogram(settings: SpectrogramSettings(frequencyBins: 162))) { error in
            XCTAssertTrue("\(error)".contains("frequencyBins must be in 1...161"), "\(error)")
        }
        XCTAssertThrowsError(try LogSpectrogram(settings: SpectrogramSettings(hopLength: 0)))
    }
}
