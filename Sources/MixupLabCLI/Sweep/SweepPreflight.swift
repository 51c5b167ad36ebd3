import ArgumentParser
import Foundation
import MixupExperiments

/// Refuses a sweep whose runs `train` would refuse (unknown or inapplicable options, unknown
/// regularizers) or whose data paths do not exist, before anything runs: otherwise every run of a
/// large grid would fail the same way in its worker. `source` (the grid file, or `ablate`) prefixes errors.
func checkSweep(_ manifest: SweepManifest, source: String) throws {
    _ = try PluginLoader.load(manifest.plugins)
    for dataset in manifest.grid.datasets {
        for key in ["data", "test-data", "data-dir"] {
            if let path = dataset.options[key] ?? manifest.grid.options[key], !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(source): dataset '\(dataset.name)': --\(key) \(path) does not exist (relative paths start at \(manifest.workingDirectory))")
            }
        }
    }
    for run in manifest.runs {
        do { _ = try Train.parse(run.arguments + ["--run-dir", "unused"]) } catch {
            throw ValidationError("\(source): run \(run.id) would fail: \(Train.message(for: error))")
        }
    }
}
