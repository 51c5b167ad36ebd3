/// Shape and batch-axis ops on the tape: all linear, so their pullbacks move data back.
extension Variable {
    /// The same elements with another shape.
    public func reshaped(_ newShape: [Int]) -> Variable {
        let old = shape
        return Variable.record(value.reshaped(newShape), parents: [self]) { g in [g.reshaped(old)] }
    }

    /// Transpose of a rank-2 variable.
    public func transposed() -> Variable {
        Variable.record(value.transposed(), parents: [self]) { g in [g.transposed()] }
    }

    /// Concatenation along axis 0 (the batch axis).
    public static func concatenating(rows parts: [Variable]) -> Variable {
        let bounds = parts.reduce(into: [0]) { $0.append($0.last! + $1.shape[0]) }
        return record(Tensor.concatenating(rows: parts.map(\.value)), parents: parts) { g in
            parts.indices.map { parts[$0].requiresGradient ? g.slicing(rows: bounds[$0]..<bounds[$0 + 1]) : nil }
        }
    }

    /// Rows `range` along axis 0.
    public func slicing(rows range: Range<Int>) -> Variable {
        let full = shape
        return Variable.record(value.slicing(rows: range), parents: [self]) { g in
            let row = full.dropFirst().reduce(1, *)
            var scalars = filledArray(Scalar(0), count: full.reduce(1, *))
            scalars.replaceSubrange((range.lowerBound * row)..<(range.upperBound * row), with: g.scalars)
            return [Tensor(shape: full, scalars: scalars)]
        }
    }

    /// Rows picked by `indices` along axis 0 (repeats allowed; their gradients add up).
    public func gathering(rows indices: [Int]) -> Variable {
        let full = shape
        return Variable.record(value.gathering(rows: indices), parents: [self]) { g in
            [scatterAddRows(g, indices, shape: full)]
        }
    }
}
