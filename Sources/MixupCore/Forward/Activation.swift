/// The elementwise nonlinearities layers may use. Each has a reverse rule (`Variable`), a
/// tangent rule (`Dual`) and, for the smooth ones, Taylor rules; ReLU's derivatives of order
/// ≥ 2 vanish almost everywhere, which is why smooth activations make higher-order terms live.
public enum Activation: String, CaseIterable, Codable, Sendable {
    case identity, relu, gelu, tanh, softplus, sigmoid
}

extension ModelValue {
    /// Applies an activation — one dispatch for taped values, duals and jets alike.
    public func activated(_ f: Activation) -> Self {
        switch f {
        case .identity: return self
        case .relu: return relu()
        case .gelu: return gelu()
        case .tanh: return tanh()
        case .softplus: return softplus()
        case .sigmoid: return sigmoid()
        }
    }
}
