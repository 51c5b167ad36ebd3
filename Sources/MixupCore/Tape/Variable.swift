/// A tensor on the tape: its value, the variables it was computed from, and the pullback that
/// sends a gradient of the output back to them. This file is the whole reverse-mode idea.
///
/// Leaves are constants (data) or parameters (trainable). Every op returns a new `Variable`
/// whose `pullback` maps ∂L/∂output to ∂L/∂parent for each parent. Ops whose inputs are all
/// constants record nothing. Forward mode (`Dual`) and Taylor mode are built *from* these ops,
/// so backpropagating through a JVP is ordinary backpropagation.
public final class Variable<Scalar: TensorScalar> {
    /// The current value. Only parameters change it, through `assign(_:)`.
    public private(set) var value: Tensor<Scalar>
    /// True for parameters and for anything computed from a parameter.
    public let requiresGradient: Bool
    /// True for trainable leaves (what optimizers update).
    public let isParameter: Bool
    let parents: [Variable]
    let pullback: ((Tensor<Scalar>) -> [Tensor<Scalar>?])?

    private init(value: Tensor<Scalar>, requiresGradient: Bool, isParameter: Bool,
                 parents: [Variable], pullback: ((Tensor<Scalar>) -> [Tensor<Scalar>?])?) {
        self.value = value
        self.requiresGradient = requiresGradient
        self.isParameter = isParameter
        self.parents = parents
        self.pullback = pullback
    }

    /// A constant leaf: data, labels, masks. Gradients never flow into it.
    public convenience init(constant value: Tensor<Scalar>) {
        self.init(value: value, requiresGradient: false, isParameter: false, parents: [], pullback: nil)
    }

    /// A trainable leaf.
    public convenience init(parameter value: Tensor<Scalar>) {
        self.init(value: value, requiresGradient: true, isParameter: true, parents: [], pullback: nil)
    }

    /// A leaf whose gradient is wanted but that no optimizer owns (e.g. inputs, for ∂f/∂x).
    public convenience init(differentiable value: Tensor<Scalar>) {
        self.init(value: value, requiresGradient: true, isParameter: false, parents: [], pullback: nil)
    }

    /// Records the result of an op. `pullback` receives ∂L/∂result and returns ∂L/∂parent per
    /// parent (nil where a parent needs none); it is dropped when no parent needs a gradient.
    public static func record(_ value: Tensor<Scalar>, parents: [Variable],
                              pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]) -> Variable {
        let needs = parents.contains { $0.requiresGradient }
        return Variable(value: value, requiresGradient: needs, isParameter: false,
                        parents: needs ? parents : [], pullback: needs ? pullback : nil)
    }

    /// Replaces a parameter's value (optimizer steps, checkpoint loading).
    public func assign(_ newValue: Tensor<Scalar>) {
        precondition(isParameter, "assign(_:) is for parameters; other variables are immutable results")
        precondition(newValue.shape == value.shape, "assign: shape \(newValue.shape) ≠ \(value.shape)")
        value = newValue
    }

    /// The same value cut off from the tape (gradients stop here).
    public func detached() -> Variable { Variable(constant: value) }

    /// Shape of the value.
    public var shape: [Int] { value.shape }
    /// The single element of a one-element value.
    public var scalar: Scalar { value.scalar }

    /// Reverse mode: ∂self/∂v for every variable v that `self` depends on and that requires a
    /// gradient. `self` must hold a single element (a loss).
    public func gradients() -> Gradients<Scalar> {
        precondition(value.count == 1, "gradients() needs a scalar output, shape is \(shape)")
        var adjoints: [ObjectIdentifier: Tensor<Scalar>] = [ObjectIdentifier(self): Tensor(repeating: 1, shape: shape)]
        var leaves: [ObjectIdentifier: (Variable, Tensor<Scalar>)] = [:]
        for node in topologicalOrder().reversed() {
            guard let adjoint = adjoints.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let pullback = node.pullback else {
                if node.requiresGradient { leaves[ObjectIdentifier(node)] = (node, adjoint) }
                continue
            }
            for (parent, grad) in zip(node.parents, pullback(adjoint)) where parent.requiresGradient {
                guard let grad else { continue }
                let key = ObjectIdentifier(parent)
                if var sum = adjoints.removeValue(forKey: key) {
                    // In place when the shapes agree (copy-on-write copies first if the buffer is shared).
                    if sum.shape == grad.shape { sum.accumulate(grad) } else { sum = sum + grad }
                    adjoints[key] = sum
                } else {
                    adjoints[key] = grad
                }
            }
        }
        return Gradients(leaves)
    }

    /// Every node reachable from `self` that requires a gradient, parents before children.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = [], visited = Set<ObjectIdentifier>()
        var stack: [(node: Variable, nextParent: Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.parents.count {
                stack.append((node, next + 1))
                let parent = node.parents[next]
                if parent.requiresGradient && visited.insert(ObjectIdentifier(parent)).inserted {
                    stack.append((parent, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}

/// Gradients of a scalar with respect to the leaves it depends on.
public struct Gradients<Scalar: TensorScalar> {
    private let table: [ObjectIdentifier: (Variable<Scalar>, Tensor<Scalar>)]

    init(_ table: [ObjectIdentifier: (Variable<Scalar>, Tensor<Scalar>)]) { self.table = table }

    /// ∂loss/∂v; zeros when the loss does not depend on `v`.
    public subscript(_ v: Variable<Scalar>) -> Tensor<Scalar> {
        table[ObjectIdentifier(v)]?.1 ?? Tensor(zeros: v.shape)
    }

    /// True when the loss depends on `v` through the tape.
    public func contains(_ v: Variable<Scalar>) -> Bool { table[ObjectIdentifier(v)] != nil }
}
