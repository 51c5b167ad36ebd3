import ArgumentParser
import Foundation
import MixupExperiments
import MixupTraining

extension MixupLab {
    /// The command line with `train --config RUN/config.json` replaced by the recorded run's
    /// canonical arguments followed by the other arguments given, which therefore override the
    /// record (ArgumentParser keeps the last value of an option or flag, so `--no-nesterov` switches
    /// a recorded `--nesterov` off); passes `report` a line naming the record and the options given
    /// beside it that override it, as spelled (printed by default).
    /// Other command lines are returned unchanged. `main()` calls this before parsing.
    public static func expandingRunConfig(_ arguments: [String],
                                          report: (String) -> Void = { print($0) }) throws -> [String] {
        guard let command = arguments.firstIndex(where: { $0 == "train" || $0 == "train-graph" }) else { return arguments }
        var rest = Array(arguments[(command + 1)...])
        var path: String?
        if let i = rest.firstIndex(of: "--config") {
            guard i + 1 < rest.count else { throw ValidationError("--config needs a run record (RUN/config.json)") }
            path = rest[i + 1]
            rest.removeSubrange(i...(i + 1))
        } else if let i = rest.firstIndex(where: { $0.hasPrefix("--config=") }) {
            path = String(rest[i].dropFirst("--config=".count))
            rest.remove(at: i)
        }
        guard let path else { return arguments }
        let record = try RunRecord.read(from: URL(fileURLWithPath: path))
        guard record.command == "train", let recorded = record.arguments else {
            throw ValidationError("--config \(path): this record was not written by `mixuplab train` (it has no recorded arguments)")
        }
        let options = RenamedFlags.upgrading(record.options ?? [:])
        // Recorded name → the spelling given last (`--no-nesterov` overrides `nesterov`).
        var given: [String: String] = [:]
        for argument in rest where argument.hasPrefix("--") {
            let spelled = String(argument.dropFirst(2).prefix { $0 != "=" })
            var name = spelled
            if options[name] == nil, name.hasPrefix("no-"), options[String(name.dropFirst(3))] != nil { name = String(name.dropFirst(3)) }
            if options[name] != nil && !Train.runDirectoryOptions.contains(name) { given[name] = spelled }
        }
        let overridden = given.keys.sorted().map { name -> String in
            let value = options[name] ?? ""
            // A flag's recorded state as the command line spells it.
            let recordedText = value == "true" ? "--\(name)" : value == "false" ? "--no-\(name)" : value
            return "--\(given[name]!) (recorded \(recordedText))"
        }
        report("re-running \(path)" + (overridden.isEmpty ? "" : "; overridden on the command line: " + overridden.joined(separator: ", ")))
        return Array(arguments[...command]) + recorded + rest
    }
}
