import ArgumentParser
import Foundation
import MixupExperiments

/// Refuses a sweep whose runs `train` would refuse (unknown or inapplicable options, unknown
/// regularizers) or whose data paths do not exist, before anything runs: otherwise every run of a
/// large grid would fail the same way in its worker. `source` (the grid file, or `ablate`) prefixes
/// errors, which name the first run that would fail. Every run is checked as `Train.parse` would,
/// without parsing every run (see `SweepPreflight`).
func checkSweep(_ manifest: SweepManifest, source: String) throws {
    _ = try PluginLoader.load(manifest.plugins)
    for dataset in manifest.grid.datasets {
        for key in ["data", "test-data", "data-dir"] {
            if let path = dataset.options[key] ?? manifest.grid.options[key], !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(source): dataset '\(dataset.name)': --\(key) \(path) does not exist (relative paths start at \(manifest.workingDirectory))")
            }
        }
    }
    var preflight = SweepPreflight()
    for run in manifest.runs {
        do { try preflight.check(run.arguments) } catch {
            throw ValidationError("\(source): run \(run.id) would fail: \(Train.message(for: error))")
        }
    }
}

/// Checks runs' `train` arguments as `Train.parse` would, at a fraction of its cost (a parse is ~4 ms
/// of reflection; a 4,000-run grid took 21 s). Runs of one grid cell differ only in the values the
/// sweep sets — `--seed`, `--alpha`, `--eta` — so:
/// - a run that differs from one already checked only in its seed is accepted once its seed is a
///   `UInt64` (`Train.validate` never reads the seed: it resolves the configuration with seed 0);
/// - a run whose α or η differs is checked by giving the cell's parsed `Train` those values (parsed
///   as ArgumentParser parses a `Double`) and running `Train.validate()` again — the only check that
///   can read them, since a group's own `validate()` sees only its own options;
/// - any other run is parsed in full.
struct SweepPreflight {
    /// The options whose values vary within a grid cell.
    static let varying = ["--seed", "--alpha", "--eta"]
    /// Argument vectors already accepted, seed value blanked.
    private var accepted: Set<[String]> = []
    /// One parsed run per cell (argument vector with the varying values blanked).
    private var cells: [[String]: Train] = [:]

    /// Throws what `Train.parse(arguments + ["--run-dir", …])` would throw.
    mutating func check(_ arguments: [String]) throws {
        var values: [String: String] = [:]
        var withoutSeed = arguments, cell = arguments
        for (i, argument) in arguments.enumerated() where Self.varying.contains(argument) && i + 1 < arguments.count {
            values[argument] = arguments[i + 1]
            cell[i + 1] = ""
            if argument == "--seed" { withoutSeed[i + 1] = "" }
        }
        if let seed = values["--seed"], UInt64(seed) == nil {
            throw ValidationError("--seed \(seed) is not a non-negative integer")
        }
        guard !accepted.contains(withoutSeed) else { return }
        if var train = cells[cell], values["--alpha"].map({ Double($0) != nil }) ?? true,
           values["--eta"].map({ Double($0) != nil }) ?? true {
            train.training.alpha = values["--alpha"].flatMap(Double.init)
            train.training.eta = values["--eta"].flatMap(Double.init)
            try train.validate()
        } else {
            cells[cell] = try Train.parse(arguments + ["--run-dir", "unused"])
        }
        accepted.insert(withoutSeed)
    }
}
