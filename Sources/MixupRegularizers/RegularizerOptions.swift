/// `key=value` options for a regularizer, with typed accessors that reject unknown keys.
public struct RegularizerOptions: Sendable, Equatable {
    private var values: [String: String]

    /// Options from a dictionary.
    public init(_ values: [String: String] = [:]) { self.values = values }

    /// Parses `"absolute=false,threshold=0.1"` (empty string: no options).
    public init(parsing text: String) throws {
        var values: [String: String] = [:]
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw RegularizerError("regularizer option '\(item)' is not of the form key=value")
            }
            values[parts[0]] = parts[1]
        }
        self.values = values
    }

    /// A boolean option (true/false/yes/no/1/0).
    public func bool(_ key: String, default d: Bool) throws -> Bool {
        guard let v = values[key] else { return d }
        switch v.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw RegularizerError("regularizer option \(key)=\(v): expected true or false")
        }
    }

    /// A real option, nil when absent.
    public func double(_ key: String) throws -> Double? {
        guard let v = values[key] else { return nil }
        guard let d = Double(v), d.isFinite else { throw RegularizerError("regularizer option \(key)=\(v): expected a number") }
        return d
    }

    /// An integer option.
    public func int(_ key: String, default d: Int) throws -> Int {
        guard let v = values[key] else { return d }
        guard let i = Int(v) else { throw RegularizerError("regularizer option \(key)=\(v): expected an integer") }
        return i
    }

    /// True when `key` was given (lets a regularizer reject an option that its other options make meaningless).
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// One of a fixed set of words (e.g. `expectation=mean|partners`); `d` when absent. Throws,
    /// listing the choices, on anything else, so a typo never silently picks the default.
    public func choice(_ key: String, among choices: [String], default d: String) throws -> String {
        guard let v = values[key] else { return d }
        guard choices.contains(v) else {
            throw RegularizerError("regularizer option \(key)=\(v): expected one of \(choices.joined(separator: ", "))")
        }
        return v
    }

    /// Throws if any key is not in `known` (catches typos instead of silently ignoring them).
    public func requireOnly(_ known: Set<String>, for name: String) throws {
        let unknown = Set(values.keys).subtracting(known)
        if !unknown.isEmpty {
            throw RegularizerError("regularizer '\(name)' has no option(s) \(unknown.sorted().joined(separator: ", ")); known: \(known.sorted().joined(separator: ", "))")
        }
    }
}

/// A regularizer that cannot be built or found.
public struct RegularizerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Foundation
