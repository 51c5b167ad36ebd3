import ArgumentParser

/// A parsed command's options read back generically (by reflection over its `@Option`, `@Flag`
/// and `@OptionGroup` properties), so a run record holds every option — including ones added to
/// an option group later — without a line per option.
struct CommandRecording {
    /// One option or flag as the command line spells it.
    struct Entry: Equatable {
        /// The long name without dashes (e.g. `train-limit`).
        var name: String
        /// The values as text: one for options and flags (`true`/`false`), several for repeated
        /// options, none for an unset optional option.
        var values: [String]
        /// Whether it is a flag (values `true`/`false`).
        var isFlag: Bool
        /// A flag with a `--no-` form (so `false` can be written); help lists it as `--name/--no-name`.
        var isInvertible: Bool
        /// The real numbers among the values (to check they are finite).
        var reals: [Double] = []
    }

    /// Options whose property name differs from the long name.
    static let customNames = ["datasetOption": "dataset", "paths": "plugin"]

    /// The entries of `command` in declaration order, leaving out `excluded` long names.
    static func entries<C: ParsableArguments>(of command: C, excluding excluded: Set<String>) -> [Entry] {
        let help = C.helpMessage(columns: 100_000)
        var out: [Entry] = []
        collect(command, help: help, into: &out)
        return out.filter { !excluded.contains($0.name) }
    }

    /// The flags `C` declares, by long name, each with whether it has a `--no-` form — read from
    /// its help, whose label column spells a flag `--name` or `--name/--no-name` and an option `--name <value>`.
    static func flags<C: ParsableArguments>(of command: C.Type) -> [String: Bool] {
        var out: [String: Bool] = [:]
        for line in C.helpMessage(includeHidden: true, columns: 100_000).split(separator: "\n") {
            // Labels are indented by two spaces; descriptions continue at the description column.
            guard line.hasPrefix("  -") else { continue }
            let column = String(line.dropFirst(2)).components(separatedBy: "  ")[0]
            guard !column.contains("<") else { continue }
            for spelling in column.components(separatedBy: ", ") where spelling.hasPrefix("--") {
                let names = spelling.components(separatedBy: "/").map { String($0.dropFirst(2)) }
                guard let name = names.first, !name.isEmpty, name != "help" else { continue }
                out[name] = names.contains("no-\(name)")
            }
        }
        return out
    }

    /// `entries` as a canonical argument vector: `--name value` per option value, `--name` for a
    /// set flag, `--no-name` for an unset invertible one.
    static func arguments(_ entries: [Entry]) -> [String] {
        entries.flatMap { entry -> [String] in
            if entry.isFlag {
                if entry.values == ["true"] { return ["--\(entry.name)"] }
                if entry.values == ["false"] && entry.isInvertible { return ["--no-\(entry.name)"] }
                return []
            }
            return entry.values.flatMap { ["--\(entry.name)", $0] }
        }
    }

    /// `entries` by name (repeated values joined by a newline); unset optional options are absent.
    static func dictionary(_ entries: [Entry]) -> [String: String] {
        var out: [String: String] = [:]
        for entry in entries where !entry.values.isEmpty { out[entry.name] = entry.values.joined(separator: "\n") }
        return out
    }

    private static func collect(_ value: Any, help: String, into out: inout [Entry]) {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, label.hasPrefix("_") else { continue }
            let property = String(label.dropFirst())
            let typeName = String(describing: type(of: child.value))
            guard let parsed = parsedValue(child.value) else { continue }
            if typeName.hasPrefix("OptionGroup<") {
                collect(parsed, help: help, into: &out)
            } else if typeName.hasPrefix("Option<") || typeName.hasPrefix("Flag<") {
                let name = customNames[property] ?? kebab(property)
                let isFlag = typeName.hasPrefix("Flag<")
                out.append(Entry(name: name, values: texts(parsed), isFlag: isFlag,
                                 isInvertible: isFlag && help.contains("--\(name)/--no-\(name)"), reals: reals(parsed)))
            }
        }
    }

    /// Throws for the first real-valued option of `groups` that is NaN or infinite (`--lr 1e309`
    /// parses as +∞): every real option must be finite, whatever else it checks. Every `train` parse
    /// runs this (a sweep's preflight thousands of times), so it reads values only, no type names.
    static func checkFiniteReals(_ groups: any ParsableArguments...) throws {
        for group in groups {
            if let (name, bad) = firstNonFiniteReal(in: group) {
                throw ValidationError("--\(name) must be a finite number, got \(bad)")
            }
        }
    }

    /// The long name and value of the first NaN or infinite real option in `group` (through its option groups).
    private static func firstNonFiniteReal(in group: Any) -> (String, Double)? {
        for child in Mirror(reflecting: group).children {
            guard let label = child.label, label.hasPrefix("_"), let parsed = parsedValue(child.value) else { continue }
            if parsed is any ParsableArguments {
                if let found = firstNonFiniteReal(in: parsed) { return found }
            } else if let bad = reals(parsed).first(where: { !$0.isFinite }) {
                let property = String(label.dropFirst())
                return (customNames[property] ?? kebab(property), bad)
            }
        }
        return nil
    }

    /// The `Double` values in `value` (through optionals and arrays).
    private static func reals(_ value: Any) -> [Double] {
        if let number = value as? Double { return [number] }   // also a non-nil `Double?`
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional || mirror.displayStyle == .collection { return mirror.children.flatMap { reals($0.value) } }
        if let number = value as? Double { return [number] }
        if let float = value as? Float { return [Double(float)] }
        return []
    }

    /// The value inside a property wrapper's `_parsedValue` (`.value(v)` once parsed).
    private static func parsedValue(_ wrapper: Any) -> Any? {
        guard let storage = Mirror(reflecting: wrapper).children.first(where: { $0.label == "_parsedValue" })?.value,
              let payload = Mirror(reflecting: storage).children.first, payload.label == "value" else { return nil }
        return payload.value
    }

    /// The text of each value: nil → none, arrays → one per element, else as the parser reads it.
    private static func texts(_ value: Any) -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let some = mirror.children.first else { return [] }
            return texts(some.value)
        }
        if mirror.displayStyle == .collection { return mirror.children.flatMap { texts($0.value) } }
        if let bool = value as? Bool { return [bool ? "true" : "false"] }
        if let argument = value as? any ExpressibleByArgument { return [argument.defaultValueDescription] }
        return ["\(value)"]
    }

    /// `trainLimit` → `train-limit`, as ArgumentParser names a property's long option.
    static func kebab(_ name: String) -> String {
        var out = ""
        let characters = Array(name)
        for (i, c) in characters.enumerated() {
            if c.isUppercase {
                let previousLower = i > 0 && characters[i - 1].isLowercase
                let nextLower = i + 1 < characters.count && characters[i + 1].isLowercase
                if i > 0 && (previousLower || nextLower) { out.append("-") }
                out.append(Character(c.lowercased()))
            } else {
                out.append(c)
            }
        }
        return out
    }
}
