import ArgumentParser
import Foundation
import MixupTraining

extension MixupLab {
    /// The command line with `train --config RUN/config.json` replaced by the recorded run's
    /// canonical arguments followed by the other arguments given, which therefore override the
    /// record (ArgumentParser keeps the last value of an option); prints which options did.
    /// Other command lines are returned unchanged. `main()` calls this before parsing.
    public static func expandingRunConfig(_ arguments: [String]) throws -> [String] {
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
        let given = rest.filter { $0.hasPrefix("--") }.map { argument -> String in
            let name = String(argument.dropFirst(2).prefix { $0 != "=" })
            return name.hasPrefix("no-") && record.options?[String(name.dropFirst(3))] != nil ? String(name.dropFirst(3)) : name
        }
        let overridden = Set(given).intersection(record.options?.keys.map { $0 } ?? []).subtracting(Train.runDirectoryOptions).sorted()
        print("re-running \(path)" + (overridden.isEmpty ? "" : "; overridden on the command line: "
              + overridden.map { "--\($0) (recorded \(record.options?[$0] ?? ""))" }.joined(separator: ", ")))
        return Array(arguments[...command]) + recorded + rest
    }
}
