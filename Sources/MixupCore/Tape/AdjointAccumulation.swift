/// Summing a node's gradient parts in the backward pass without a new tensor per part.
extension Tensor {
    /// self += other elementwise (same shape), in place when self's storage is not shared — as
    /// for an adjoint the tape holds alone — so a node with k consumers costs one buffer, not k.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func accumulate(_ other: Tensor) {
        precondition(shape == other.shape, "accumulate: shape \(shape) ≠ \(other.shape)")
        other.withUnsafeBufferPointer { o in
            withUnsafeMutableBufferPointer { s in
                guard let sp = s.baseAddress, let op = o.baseAddress else { return }
                for i in 0..<s.count { sp[i] += op[i] }
            }
        }
    }
}
