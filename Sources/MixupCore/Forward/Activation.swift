/// The elementwise nonlinearities layers may use. Each has a reverse rule (`Variable`), a
/// tangent rule (`Dual`) and, for the smooth ones, Taylor rules; ReLU's derivatives of order
/// ≥ 2 vanish almost everywhere, which is why smooth activations make higher-order terms live.
public enum Activation: String, CaseIterable, Codable, Sendable {
    case identity, relu, gelu, tanh, softplus, sigmoid
}

extension Variable {
    /// Applies an activation.
    public func activated(_ f: Activation) -> Variable {
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
