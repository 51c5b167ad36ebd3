import ArgumentParser
import Foundation
import MixupExperiments

/// Refuses a sweep whose runs `train` would refuse (unknown or inapplicable options, unknown
/// regularizers) or whose data paths do not exist, before anything runs: otherwise every run of a
/// large grid would fail the same way in its worker. `source` (the grid file, or `ablate`) prefixes errors.
/// Each distinct argument vector is parsed once, seeds aside (see `distinctSettings`).
func checkSweep(_ manifest: SweepManifest, source: String) throws {
    _ = try PluginLoader.load(manifest.plugins)
    for dataset in manifest.grid.datasets {
        for key in ["data", "test-data", "data-dir"] {
            if let path = dataset.options[key] ?? manifest.grid.options[key], !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(source): dataset '\(dataset.name)': --\(key) \(path) does not exist (relative paths start at \(manifest.workingDirectory))")
            }
        }
    }
    for run in try distinctSettings(manifest.runs, source: source) {
        do { _ = try Train.parse(run.arguments + ["--run-dir", "unused"]) } catch {
            throw ValidationError("\(source): run \(run.id) would fail: \(Train.message(for: error))")
        }
    }
}

/// One run per distinct argument vector, the seed's value aside, in grid order. `train` validates
/// every option without reading the seed (`Train.validate` resolves the configuration with seed 0),
/// so runs that differ only in their seed stand or fall together; each seed is checked to be a
/// `UInt64` here. A 4,000-run grid of 5 seeds keeps 800 runs to parse.
func distinctSettings(_ runs: [SweepRun], source: String) throws -> [SweepRun] {
    var seen: Set<[String]> = []
    var kept: [SweepRun] = []
    for run in runs {
        var key = run.arguments
        if let i = key.firstIndex(of: "--seed"), i + 1 < key.count {
            guard UInt64(key[i + 1]) != nil else {
                throw ValidationError("\(source): run \(run.id) would fail: --seed \(key[i + 1]) is not a non-negative integer")
            }
            key[i + 1] = ""
        }
        if seen.insert(key).inserted { kept.append(run) }
    }
    return kept
}
