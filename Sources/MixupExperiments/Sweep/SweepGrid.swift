import DataFiles
import Foundation
import MixupTraining
import Yams

/// A sweep grid as written in YAML (or JSON): datasets × arms × α × η × seeds with shared `train`
/// options; `expand()` turns it into runs with stable ids, one run directory each.
///
/// ```yaml
/// name: smoke
/// seeds: [0, 1, 2]          # or a count: 3 means 0, 1, 2
/// alpha: [0.2, 1]
/// eta: [0.001, 0.1]
/// options: {epochs: 5}      # any `mixuplab train` option without its "--"
/// datasets:
///   - {name: cmc, data: Data/cmc/contraceptive.dat}
///   - {name: iris, data: iris.dat, arms: [erm, mixupe]}   # its own arms (names of the grid's, or full entries)
/// arms: [erm, mixup, erm+r, mixupe, "mixupe:exact"]
/// ```
public struct SweepGrid: Codable, Equatable, Sendable {
    /// One dataset: its name (the first part of every run id) and its `train` options.
    public struct Dataset: Codable, Equatable, Sendable {
        /// Name used in run ids and tables (letters, digits, `.`, `_`, `-`, `+`).
        public var name: String
        /// Options such as `data`, `test-data`, `dataset`, `train-limit` (and any other `train` option).
        public var options: [String: String]
        /// α list that replaces the grid's for this dataset (nil: the grid's).
        public var alpha: [Double]?
        /// η list that replaces the grid's for this dataset (nil: the grid's).
        public var eta: [Double]?
        /// Arms that replace the grid's for this dataset (nil: the grid's), e.g. the exact q only where it is affordable.
        public var arms: [Arm]?

        /// A dataset from its parts.
        public init(name: String, options: [String: String], alpha: [Double]? = nil, eta: [Double]? = nil, arms: [Arm]? = nil) {
            self.name = name
            self.options = options
            self.alpha = alpha
            self.eta = eta
            self.arms = arms
        }
    }

    /// One arm: a method, optionally its own regularizer and options, under a name.
    public struct Arm: Codable, Equatable, Sendable {
        /// Name used in run ids and tables (default: `method[:regularizer]` with `:` as `-`).
        public var name: String
        /// ERM, Mixup, ERM+R or MixupE.
        public var method: Method
        /// The +R arms' regularizer (any registered one, plugins included; nil: the default `approx`).
        public var regularizer: String?
        /// Extra `train` options of this arm (e.g. `regularizer-options`), over the grid's and the dataset's.
        public var options: [String: String]

        /// An arm from its parts.
        public init(name: String, method: Method, regularizer: String? = nil, options: [String: String] = [:]) {
            self.name = name
            self.method = method
            self.regularizer = regularizer
            self.options = options
        }

        /// The arm an ablation arm (`mixupe:exact`) stands for, named as in grids (`mixupe-exact`).
        public init(_ arm: Ablation.Arm, options: [String: String] = [:]) {
            self.init(name: arm.description.replacingOccurrences(of: ":", with: "-"), method: arm.method,
                      regularizer: arm.regularizer, options: options)
        }

        /// Whether the arm's runs vary over α: every method but ERM mixes or draws λ for its penalty.
        public var usesAlpha: Bool { method != .erm }
        /// Whether the arm's runs vary over η: only the +R methods have a penalty.
        public var usesEta: Bool { method.regularized }
    }

    /// The grid's name (sweep manifests and tables).
    public var name: String
    /// Seeds of every (dataset, arm, α, η) cell.
    public var seeds: [UInt64]
    /// Mixup's Beta(α, α) parameters.
    public var alpha: [Double]
    /// Penalty weights η.
    public var eta: [Double]
    /// `train` options shared by every run (`epochs`, `batch-size`, `no-tensorboard` …).
    public var options: [String: String]
    /// The datasets, in order.
    public var datasets: [Dataset]
    /// The arms, in order (a dataset's own `arms` replace them for that dataset).
    public var arms: [Arm]
    /// Regularizer plugins (dynamic libraries) every run loads, as `mixuplab --plugin`.
    public var plugins: [String]

    /// A grid from its parts.
    public init(name: String, seeds: [UInt64], alpha: [Double], eta: [Double], options: [String: String] = [:],
                datasets: [Dataset], arms: [Arm], plugins: [String] = []) {
        self.name = name
        self.seeds = seeds
        self.alpha = alpha
        self.eta = eta
        self.options = options
        self.datasets = datasets
        self.arms = arms
        self.plugins = plugins
    }

    /// Options the sweep sets itself for every run; a grid may not set them.
    public static let reservedOptions: Set<String> = ["method", "seed", "alpha", "eta", "run-dir", "resume", "threads",
                                                      "plugin", "overwrite", "regularizer"]

    /// Expands the grid into runs: dataset → arm → α → η → seed, with α only for arms that use it
    /// (not ERM) and η only for the +R arms, so ERM runs once per seed and Mixup once per α and seed.
    public func expand() -> [SweepRun] {
        var runs: [SweepRun] = []
        for dataset in datasets {
            for arm in dataset.arms ?? arms {
                let alphas: [Double?] = arm.usesAlpha ? (dataset.alpha ?? alpha).map { $0 } : [nil]
                let etas: [Double?] = arm.usesEta ? (dataset.eta ?? eta).map { $0 } : [nil]
                for a in alphas {
                    for e in etas {
                        for seed in seeds {
                            let merged = Self.merging(Self.merging(options, dataset.options), arm.options)
                            var arguments = ["--method", arm.method.rawValue, "--seed", String(seed)]
                            if let a { arguments += ["--alpha", "\(a)"] }
                            if let e { arguments += ["--eta", "\(e)"] }
                            if let r = arm.regularizer { arguments += ["--regularizer", r] }
                            arguments += Self.arguments(merged)
                            runs.append(SweepRun(index: runs.count, dataset: dataset.name, arm: arm.name, method: arm.method,
                                                 alpha: a, eta: e, seed: seed, arguments: arguments))
                        }
                    }
                }
            }
        }
        return runs
    }

    /// `train` arguments from options, sorted by key: `key: value` → `--key value`, `key: true` →
    /// `--key`, `key: false` → `--no-key`, with a flag's old name in today's spelling (`no-bias: false`
    /// → `--bias`, see `RenamedFlags`).
    static func arguments(_ options: [String: String]) -> [String] {
        options.keys.sorted().flatMap { key -> [String] in
            switch options[key]! {
            case "true": return [RenamedFlags.argument(key, on: true)]
            case "false": return [RenamedFlags.argument(key, on: false)]
            case let value: return ["--\(key)", value]
            }
        }
    }

    /// `base` with `layer`'s options over it; a flag set in `layer` under either of its names
    /// (`bias`, the old `no-bias`) replaces the other name in `base`, so the more specific layer wins.
    static func merging(_ base: [String: String], _ layer: [String: String]) -> [String: String] {
        var out = base
        for (key, value) in layer {
            let current = RenamedFlags.currentName(of: key)
            for (old, new) in RenamedFlags.inverted where new == current { out[old] = nil }
            out[current] = nil
            out[key] = value
        }
        return out
    }

    /// The label of a number in run ids: `1` for integral values, else Swift's shortest form (`0.2`, `0.0001`).
    public static func label(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}

/// A grid file that cannot be used, with the file, the line and the cause.
public struct SweepGridError: Error, CustomStringConvertible {
    /// What is wrong, naming the file and line.
    public var description: String
    /// An error from its message.
    public init(_ description: String) { self.description = description }
}

extension SweepGrid {
    /// Reads a grid from a YAML or JSON file (JSON is YAML); errors name the file, line and cause.
    /// `trainFlags` as in `parse(_:file:trainFlags:)`.
    public static func load(path: String, trainFlags: [String: Bool]? = nil) throws -> SweepGrid {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SweepGridError("\(path): cannot read the grid file (\(FileReadFailure.reason(path, error)))")
        }
        return try parse(text, file: path, trainFlags: trainFlags)
    }

    /// Parses grid text; `file` names the source in errors. `trainFlags` (today's name of each
    /// `train` flag → whether it has a `--no-` form), when given, makes a `true`/`false` value on any
    /// other key an error at its line, instead of a run whose arguments fail to parse.
    public static func parse(_ text: String, file: String, trainFlags: [String: Bool]? = nil) throws -> SweepGrid {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw SweepGridError("\(file): not valid YAML or JSON: \(error)")
        }
        guard let root, let top = root.mapping else { throw SweepGridError("\(file): the grid must be a mapping with datasets and arms") }
        func fail(_ node: Node?, _ message: String) -> SweepGridError {
            SweepGridError("\(file):\(node?.mark.map { "\($0.line)" } ?? "?"): \(message)")
        }
        func scalarText(_ node: Node, _ what: String) throws -> String {
            if let s = node.scalar { return s.string }
            if let seq = node.sequence {
                return try seq.map { try scalarText($0, what) }.joined(separator: ",")
            }
            throw fail(node, "\(what) must be a value or a list of values")
        }
        func numbers(_ node: Node, _ what: String) throws -> [Double] {
            let items = node.sequence.map(Array.init) ?? [node]
            let values = try items.map { item -> Double in
                guard let x = item.scalar.flatMap({ Double($0.string) }), x.isFinite, x > 0 else {
                    throw fail(item, "\(what) must hold positive numbers, got '\(item.scalar?.string ?? "a non-scalar")'")
                }
                return x
            }
            guard !values.isEmpty else { throw fail(node, "\(what) is empty") }
            guard Set(values).count == values.count else { throw fail(node, "\(what) lists a value twice") }
            return values
        }
        func options(_ node: Node, _ what: String, skipping: Set<String> = []) throws -> [String: String] {
            guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping of train options") }
            var result: [String: String] = [:]
            for (keyNode, value) in mapping {
                guard let key = keyNode.scalar?.string else { throw fail(keyNode, "option names must be text") }
                if skipping.contains(key) { continue }
                let name = key.hasPrefix("--") ? String(key.dropFirst(2)) : key
                if reservedOptions.contains(name) {
                    throw fail(keyNode, "'\(name)' is set by the sweep (use the grid's seeds/alpha/eta/arms/plugins keys or --threads-per-worker)")
                }
                guard name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
                    throw fail(keyNode, "'\(key)' is not a train option name")
                }
                let text = try scalarText(value, "option '\(name)'")
                let current = RenamedFlags.currentName(of: name)
                if current != name {
                    guard text == "true" || text == "false" else {
                        throw fail(value, "'\(name)' (today '\(current)') is a flag: give it true or false, got '\(text)'")
                    }
                    if let other = mapping.keys.first(where: { $0.scalar?.string == current || $0.scalar?.string == "--\(current)" }) {
                        throw fail(other, "'\(name)' and '\(current)' set the same flag; give one")
                    }
                }
                if let trainFlags, text == "true" || text == "false" {
                    guard let invertible = trainFlags[current] else {
                        throw fail(keyNode, "'\(name): \(text)': --\(name) is not a flag of train; give it a value")
                    }
                    if text == "false" && !invertible && current == name {
                        throw fail(keyNode, "'\(name): false': --\(name) has no --no- form; leave the key out to keep it off")
                    }
                }
                result[name] = text
            }
            return result
        }
        func checkName(_ name: String, _ node: Node) throws {
            guard name.range(of: "^[A-Za-z0-9._+-]+$", options: .regularExpression) != nil, name != ".", name != ".." else {
                throw fail(node, "name '\(name)' may only hold letters, digits, '.', '_', '+' and '-' (it becomes a folder)")
            }
        }

        let known: Set<String> = ["name", "seeds", "alpha", "eta", "epochs", "options", "datasets", "arms", "plugins"]
        for key in top.keys where !known.contains(key.scalar?.string ?? "") {
            throw fail(key, "unknown key '\(key.scalar?.string ?? "?")'; a grid has \(known.sorted().joined(separator: ", "))")
        }
        let name = top["name"]?.scalar?.string ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent

        var seeds: [UInt64] = [0]
        if let node = top["seeds"] {
            if let count = node.scalar.flatMap({ Int($0.string) }) {
                guard count >= 1 else { throw fail(node, "seeds must be ≥ 1 or a list of seeds") }
                seeds = (0..<count).map(UInt64.init)
            } else if let list = node.sequence {
                seeds = try list.map { item in
                    guard let s = item.scalar.flatMap({ UInt64($0.string) }) else { throw fail(item, "a seed must be a non-negative integer") }
                    return s
                }
                guard !seeds.isEmpty, Set(seeds).count == seeds.count else { throw fail(node, "seeds must be distinct and not empty") }
            } else {
                throw fail(node, "seeds must be a count or a list")
            }
        }
        let alpha = try top["alpha"].map { try numbers($0, "alpha") } ?? [1]
        let eta = try top["eta"].map { try numbers($0, "eta") } ?? [0.01]
        var shared = try top["options"].map { try options($0, "options") } ?? [:]
        if let node = top["epochs"] {
            guard let e = node.scalar.flatMap({ Int($0.string) }), e >= 1 else { throw fail(node, "epochs must be a positive integer") }
            shared["epochs"] = String(e)
        }

        /// One arm entry: a name such as `mixupe:exact`, or a mapping with method, regularizer, options.
        func arm(_ item: Node) throws -> Arm {
            let arm: Arm
            if let text = item.scalar?.string {
                do { arm = Arm(try Ablation.Arm(parsing: text)) } catch { throw fail(item, "\(error)") }
            } else if let mapping = item.mapping {
                for key in mapping.keys where !["name", "method", "regularizer", "options"].contains(key.scalar?.string ?? "") {
                    throw fail(key, "unknown arm key '\(key.scalar?.string ?? "?")'; an arm has name, method, regularizer, options")
                }
                guard let methodNode = mapping["method"], let method = methodNode.scalar.flatMap({ Method(rawValue: $0.string) }) else {
                    throw fail(item, "an arm needs 'method': erm, mixup, erm+r or mixupe")
                }
                let regularizer = mapping["regularizer"]?.scalar?.string
                if regularizer != nil && !method.regularized { throw fail(mapping["regularizer"], "\(method.rawValue) takes no regularizer") }
                let armOptions = try mapping["options"].map { try options($0, "arm options") } ?? [:]
                arm = Arm(name: mapping["name"]?.scalar?.string
                            ?? (method.rawValue + (regularizer.map { "-\($0)" } ?? "")),
                          method: method, regularizer: regularizer, options: armOptions)
            } else {
                throw fail(item, "an arm is a name (mixupe, mixupe:exact) or a mapping with method, regularizer, options")
            }
            try checkName(arm.name, item)
            return arm
        }

        var arms: [Arm] = []
        if let armsNode = top["arms"] {
            guard let armList = armsNode.sequence, !armList.isEmpty else {
                throw fail(armsNode, "'arms' must be a non-empty list (erm, mixup, erm+r, mixupe, mixupe:REGULARIZER …)")
            }
            for item in armList {
                let parsed = try arm(item)
                if arms.contains(where: { $0.name == parsed.name }) { throw fail(item, "arm '\(parsed.name)' is listed twice; give it a 'name'") }
                arms.append(parsed)
            }
        }

        guard let datasetList = top["datasets"]?.sequence, !datasetList.isEmpty else {
            throw fail(top["datasets"] ?? root, "the grid needs a non-empty list 'datasets' (each with a name and train options such as data)")
        }
        var datasets: [Dataset] = []
        for item in datasetList {
            guard let mapping = item.mapping, let nameNode = mapping["name"], let dname = nameNode.scalar?.string else {
                throw fail(item, "each dataset is a mapping with a 'name' and its options (data: FILE …)")
            }
            try checkName(dname, nameNode)
            if datasets.contains(where: { $0.name == dname }) { throw fail(nameNode, "dataset '\(dname)' is listed twice") }
            // A dataset's own arms: names of the grid's arms, or full arm entries (mappings).
            var own: [Arm]?
            if let armsNode = mapping["arms"] {
                guard let list = armsNode.sequence, !list.isEmpty else {
                    throw fail(armsNode, "dataset '\(dname)': 'arms' must be a non-empty list of the grid's arm names or arm entries")
                }
                var chosen: [Arm] = []
                for entry in list {
                    let picked: Arm
                    if let name = entry.scalar?.string {
                        let key = name.replacingOccurrences(of: ":", with: "-")
                        guard let known = arms.first(where: { $0.name == key }) else {
                            let listed = arms.isEmpty ? "the grid lists no arms" : "the grid's arms are \(arms.map(\.name).joined(separator: ", "))"
                            throw fail(entry, "dataset '\(dname)' names arm '\(name)', which is not one of the grid's arms (\(listed)); give a full entry {method: …} for a new arm")
                        }
                        picked = known
                    } else {
                        picked = try arm(entry)
                    }
                    if chosen.contains(where: { $0.name == picked.name }) {
                        throw fail(entry, "dataset '\(dname)' lists arm '\(picked.name)' twice")
                    }
                    chosen.append(picked)
                }
                own = chosen
            } else if arms.isEmpty {
                throw fail(nameNode, "dataset '\(dname)' has no 'arms' and the grid has no list 'arms' (erm, mixup, erm+r, mixupe, mixupe:REGULARIZER …)")
            }
            datasets.append(Dataset(name: dname, options: try options(item, "dataset '\(dname)'", skipping: ["name", "alpha", "eta", "arms"]),
                                    alpha: try mapping["alpha"].map { try numbers($0, "alpha") },
                                    eta: try mapping["eta"].map { try numbers($0, "eta") }, arms: own))
        }

        let plugins = try top["plugins"].map { node -> [String] in
            guard let seq = node.sequence else { throw fail(node, "plugins must be a list of library paths") }
            return try seq.map { try scalarText($0, "plugin") }
        } ?? []
        return SweepGrid(name: name, seeds: seeds, alpha: alpha, eta: eta, options: shared, datasets: datasets, arms: arms,
                         plugins: plugins)
    }
}
