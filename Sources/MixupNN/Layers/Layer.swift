import MixupCore

/// A layer or model: a plain value you call. It runs on anything that flows through a model —
/// a taped tensor, a tensor with its JVP, a Taylor jet — through one generic `callAsFunction`.
///
/// Parameters are found, not registered: any stored `Variable` that is a parameter, at any
/// depth of stored properties, arrays and optionals, is a parameter of the layer (see
/// `namedParameters`). Parameters are reference-typed leaves, so copies of a model share them.
public protocol Layer<Scalar> {
    /// The precision the layer computes in.
    associatedtype Scalar: TensorScalar
    /// Applies the layer.
    func callAsFunction<V: ModelValue>(_ x: V) -> V where V.Scalar == Scalar
    /// True when the output for one sample depends on the rest of the batch (batch statistics
    /// in training mode). The trainer then cannot batch the mixed and clean passes silently.
    var usesBatchStatistics: Bool { get }
}

extension Layer {
    public var usesBatchStatistics: Bool { false }

    /// Every parameter with a dotted path from stored-property names (`layers.0.weight`),
    /// in declaration order — the names checkpoints use.
    public var namedParameters: [(name: String, variable: Variable<Scalar>)] {
        var found: [(String, Variable<Scalar>)] = []
        walkStoredProperties(self) { value, path in
            if let v = value as? Variable<Scalar> {
                if v.isParameter { found.append((path, v)) }
                return true
            }
            return value is Tensor<Scalar>
        }
        return found
    }

    /// Every parameter, in the order of `namedParameters`.
    public var parameters: [Variable<Scalar>] { namedParameters.map(\.variable) }

    /// Total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}

/// Visits `value` and, depth-first, every stored property, array element and optional payload
/// below it, with its dotted path (`layers.0.weight`). `visit` returns true when it consumed a
/// value, so the walk does not descend into it. Parameters, buffers and modes are all found
/// this way.
func walkStoredProperties(_ value: Any, path: String = "", _ visit: (Any, String) -> Bool) {
    if visit(value, path) { return }
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle != .enum else { return }
    for (index, child) in mirror.children.enumerated() {
        let name: String
        switch mirror.displayStyle {
        case .optional: name = path
        case .collection: name = path.isEmpty ? "\(index)" : "\(path).\(index)"
        default:
            let label = child.label ?? "\(index)"
            name = path.isEmpty ? label : "\(path).\(label)"
        }
        walkStoredProperties(child.value, path: name, visit)
    }
}
