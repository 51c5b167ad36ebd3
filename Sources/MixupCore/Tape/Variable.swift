import Synchronization

/// Stamps every variable with its creation order, which is a topological order of any graph (an
/// op's inputs exist before it); the reverse sweep visits nodes newest first.
private let creationCounter = Atomic<UInt64>(0)

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
    /// The op's inputs and its pullback; `gradientsReleasingGraph()` empties both once used.
    private(set) var parents: [Variable]
    private(set) var pullback: ((Tensor<Scalar>) -> [Tensor<Scalar>?])?
    /// Set when a consuming sweep dropped this node's pullback: it can no longer be differentiated.
    private(set) var isReleased = false
    /// When it was created relative to other variables: inputs always have smaller stamps.
    let creationStamp = creationCounter.wrappingAdd(1, ordering: .relaxed).oldValue

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

    /// Changes a parameter's value in place (optimizer steps): unlike `assign(_:)` it does not copy
    /// the old value when nothing else (a tape still alive) holds it. The shape must stay.
    public func updateValue(_ body: (inout Tensor<Scalar>) -> Void) {
        precondition(isParameter, "updateValue(_:) is for parameters; other variables are immutable results")
        let shape = value.shape
        body(&value)
        precondition(value.shape == shape, "updateValue: shape changed from \(shape) to \(value.shape)")
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
        return backpropagate(from: self, releasingGraph: false)
    }

    /// `gradients()` for a training step that is done with the graph: each node drops its pullback
    /// (and the tensors it captured) and its links to its inputs as soon as its pullback has run,
    /// so activations are freed during the sweep instead of after it. The same gradients bit for
    /// bit; afterwards nothing in this graph can be differentiated again (that traps).
    public func gradientsReleasingGraph() -> Gradients<Scalar> {
        precondition(value.count == 1, "gradientsReleasingGraph() needs a scalar output, shape is \(shape)")
        return backpropagate(from: self, releasingGraph: true)
    }

    /// Drops the pullback and the inputs once a consuming sweep is through with this node.
    func release() {
        pullback = nil
        parents = []
        isReleased = true
    }
}

/// The reverse sweep behind `Variable.gradients()`: a free function so that it is specialised for
/// Float and Double (as a generic method its dictionaries and tuples cost a runtime metadata lookup
/// at every use, measured ~8 % of an MLP step). Adjoints that meet are summed in place.
/// `releasingGraph`: nodes leave the order as they are visited and drop their pullbacks, so a node
/// (value, captured tensors) is freed once its pullback ran and no unvisited node refers to it.
@_specialize(where S == Float)
@_specialize(where S == Double)
func backpropagate<S: TensorScalar>(from root: Variable<S>, releasingGraph: Bool) -> Gradients<S> {
    var adjoints: [ObjectIdentifier: Tensor<S>] = [ObjectIdentifier(root): Tensor(repeating: 1, shape: root.shape)]
    var leaves: [ObjectIdentifier: (Variable<S>, Tensor<S>)] = [:]
    var order = topologicalOrder(from: root)
    while let node = order.popLast() {
        guard let adjoint = adjoints.removeValue(forKey: ObjectIdentifier(node)) else { continue }
        guard let pullback = node.pullback else {
            precondition(!node.isReleased, "this graph's pullbacks were released by gradientsReleasingGraph()")
            if node.requiresGradient { leaves[ObjectIdentifier(node)] = (node, adjoint) }
            continue
        }
        let grads = pullback(adjoint)
        for k in 0..<min(node.parents.count, grads.count) where node.parents[k].requiresGradient {
            guard let grad = grads[k] else { continue }
            let key = ObjectIdentifier(node.parents[k])
            if var sum = adjoints.removeValue(forKey: key) {
                addInPlace(&sum, grad)
                adjoints[key] = sum
            } else {
                adjoints[key] = grad
            }
        }
        if releasingGraph { node.release() }
    }
    return Gradients(leaves)
}

/// Every node reachable from `root` that requires a gradient, in creation order (parents before
/// children). Creation order rather than a depth-first order: the reverse sweep then retraces the
/// forward pass, so a JVP's primal and tangent halves are released layer by layer together instead
/// of one half's adjoints piling up while the other half is swept (measured ~200 MB on a W3 step).
@_specialize(where S == Float)
@_specialize(where S == Double)
func topologicalOrder<S: TensorScalar>(from root: Variable<S>) -> [Variable<S>] {
    var nodes: [Variable<S>] = [root], visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    var next = 0
    while next < nodes.count {
        for parent in nodes[next].parents where parent.requiresGradient && visited.insert(ObjectIdentifier(parent)).inserted {
            nodes.append(parent)
        }
        next += 1
    }
    nodes.sort { $0.creationStamp < $1.creationStamp }
    return nodes
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
