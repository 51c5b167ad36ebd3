import Foundation
import MixupCore
import XCTest

/// Runs the built `mixuplab` executable (next to the test bundle) to pin what users see:
/// `--version` reports the OpenBLAS core, a user's OPENBLAS_CORETYPE is kept (with a warning when
/// it is narrower than the CPU), and the hidden self-check child accepts the right core.
final class BLASCoreSelectionExecutableTests: XCTestCase {
    private struct Output { var status: Int32; var stdout: String; var stderr: String }

    private func runMixuplab(_ arguments: [String], coreType: String?, file: StaticString = #filePath,
                             line: UInt = #line) throws -> Output {
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        // The test runner is <products>/MixupLabPackageTests.xctest; `swift test` builds mixuplab beside it.
        let executable = directory.appendingPathComponent("mixuplab")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            XCTFail("no mixuplab executable at \(executable.path); build the package first", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: BLASCoreSelection.markerVariable)
        environment["OPENBLAS_CORETYPE"] = coreType
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    func testVersionKeepsAForcedPrescottCoreAndWarnsWithTheRemedy() throws {
        let output = try runMixuplab(["--version"], coreType: "Prescott")
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.hasPrefix("mixuplab "), output.stdout)
        XCTAssertTrue(output.stdout.contains("core: Prescott (SSE3 kernels, set by OPENBLAS_CORETYPE=Prescott"), output.stdout)
        XCTAssertFalse(output.stdout.contains("selected by mixuplab"), output.stdout)
        XCTAssertTrue(output.stdout.contains("CPU: \(CPUFeatures.current.modelName)"), output.stdout)
        let level = CPUFeatures.current.instructionLevel
        if let recommended = BLASCoreAssessment.recommendedCore(for: level) {
            XCTAssertTrue(output.stdout.contains("FELL BACK, use OPENBLAS_CORETYPE=\(recommended)"), output.stdout)
            XCTAssertEqual(output.stderr.components(separatedBy: "OPENBLAS_CORETYPE=Prescott (set in the environment, kept)").count, 2,
                           "exactly one warning: \(output.stderr)")
            XCTAssertTrue(output.stderr.contains("set OPENBLAS_CORETYPE=\(recommended)"), output.stderr)
        } else {
            XCTAssertEqual(output.stderr, "", "an SSE-only CPU has nothing better than Prescott")
        }
    }

    func testVersionWithoutACoreTypeRunsKernelsAsWideAsTheCPU() throws {
        let output = try runMixuplab(["--version"], coreType: nil)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("OpenBLAS "), output.stdout)
        XCTAssertFalse(output.stdout.contains("FELL BACK"), "selection must leave no fallback:\n\(output.stdout)\n\(output.stderr)")
        XCTAssertFalse(output.stderr.contains("warning"), output.stderr)
    }

    func testSelfCheckChildPassesTheCPUsRecommendedCoreAndRejectsACoreItCannotRun() throws {
        let level = CPUFeatures.current.instructionLevel
        let recommended = try XCTUnwrap(BLASCoreAssessment.recommendedCore(for: level) ?? "Prescott")
        let good = try runMixuplab([BLASCoreSelection.selfCheckArgument], coreType: recommended)
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stdout.contains("blas self-check passed"), good.stdout)
        guard level < .avx512 else { return }  // every x86-64 core runs on an AVX-512 CPU
        let beyond = try runMixuplab([BLASCoreSelection.selfCheckArgument], coreType: "SkylakeX")
        XCTAssertNotEqual(beyond.status, 0, "SkylakeX kernels on a \(level) CPU: \(beyond.stdout) \(beyond.stderr)")
    }
}
