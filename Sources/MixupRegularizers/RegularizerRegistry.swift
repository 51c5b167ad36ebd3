import Foundation

/// The regularizers known by name. Built-ins are registered from the start; user code adds
/// its own once (`RegularizerRegistry.register(MyPenalty.self)`) before parsing a command line.
public enum RegularizerRegistry {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var types: [String: any Regularizer.Type] = [
        ApproximateQ.name: ApproximateQ.self,
        ExactQ.name: ExactQ.self,
        DirectionalTaylor.name: DirectionalTaylor.self,
    ]

    /// Adds a regularizer type under its `name`; a second type under a taken name is an error.
    public static func register(_ type: any Regularizer.Type) throws {
        try lock.withLock {
            if let existing = types[type.name], existing != type {
                throw RegularizerError("a regularizer named '\(type.name)' is already registered (\(existing))")
            }
            types[type.name] = type
        }
    }

    /// Names of all registered regularizers, sorted.
    public static var names: [String] { lock.withLock { types.keys.sorted() } }

    /// The registered type for `name` (with its one-line summary).
    public static func type(named name: String) -> (any Regularizer.Type)? { lock.withLock { types[name] } }

    /// Builds the regularizer called `name` from `options`; unknown names list what exists.
    public static func make(_ name: String, options: RegularizerOptions = RegularizerOptions()) throws -> any Regularizer {
        guard let type = type(named: name) else {
            throw RegularizerError("unknown regularizer '\(name)'; registered: \(names.joined(separator: ", "))")
        }
        return try type.init(options: options)
    }
}
