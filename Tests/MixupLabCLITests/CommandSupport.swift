import ArgumentParser
import Foundation
import MixupCore
import MixupExperiments
import MixupLabCLI
import MixupNN
import MixupTestSupport
import MixupTraining
import XCTest

/// Runs a `mixuplab` command line in-process, as the executable would.
func mixuplab(_ arguments: [String]) throws {
    var command = try MixupLab.parseAsRoot(try MixupLab.expandingRunConfig(arguments))
    try command.run()
}

/// The message ArgumentParser would print for `arguments`, or nil when they parse and run.
func mixuplabError(_ arguments: [String]) -> String? {
    do {
        try mixuplab(arguments)
        return nil
    } catch {
        return MixupLab.message(for: error)
    }
}

/// The `mixuplab` executable next to this test bundle (or $MIXUPLAB_EXECUTABLE), which sweep and
/// ablation workers run as `mixuplab sweep-run`; skips the test when it is not built.
func mixuplabExecutable() throws -> String {
    if let path = ProcessInfo.processInfo.environment["MIXUPLAB_EXECUTABLE"] { return path }
    let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    var dir = URL(fileURLWithPath: bundle).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("mixuplab").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    throw XCTSkip("no mixuplab executable beside \(bundle); build it (swift build -c release) or set MIXUPLAB_EXECUTABLE")
}

/// Runs `executable` with `arguments` to its end: exit status and standard output and error together.
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

/// `compare-q-samples.csv` rows as (epoch, exact q, approximate q).
func comparisonRows(_ directory: URL) throws -> [(epoch: Int, exact: Double, approximate: Double)] {
    let text = try String(contentsOf: directory.appendingPathComponent("compare-q-samples.csv"), encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    XCTAssertEqual(lines.first, ["epoch", "bn_semantics", "sample", "exact_q", "approximate_q"])
    return lines.dropFirst().map { (Int($0[0])!, Double($0[3])!, Double($0[4])!) }
}

/// Asserts every reported epoch-0 (q, q̄) pair is the score of some training example under `model`:
/// the rows then come from that model on that data, not from any other.
func assertEpochZeroRowsAreScoresOf<M: Layer>(_ model: M, probe: Probe<Float>, rows: [(epoch: Int, exact: Double, approximate: Double)],
                                              loss: ClassificationLoss = .crossEntropy,
                                              file: StaticString = #filePath, line: UInt = #line) where M.Scalar == Float {
    let all = model.evaluating {
        QComparison.scores(model: model, inputs: probe.inputs, targets: probe.targets, dataMean: probe.dataMean, loss: loss)
    }
    let initial = rows.filter { $0.epoch == 0 }
    XCTAssertFalse(initial.isEmpty, "no epoch-0 rows", file: file, line: line)
    let scale = max(1e-3, all.exact.map(abs).max() ?? 0)
    for row in initial {
        let found = zip(all.exact, all.approximate).contains {
            abs($0 - row.exact) <= 1e-4 * scale && abs($1 - row.approximate) <= 1e-4 * max(1e-3, abs(row.approximate))
        }
        XCTAssertTrue(found, "epoch-0 row (\(row.exact), \(row.approximate)) is not the score of any training example",
                      file: file, line: line)
    }
}
