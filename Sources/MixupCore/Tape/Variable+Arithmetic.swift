/// Broadcasting arithmetic on the tape. The adjoint of broadcasting is summing the broadcast
/// axes away (`summed(toShape:)`).
extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable {
        record(a.value + b.value, parents: [a, b]) { g in
            [g.summed(toShape: a.shape), g.summed(toShape: b.shape)]
        }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        record(a.value - b.value, parents: [a, b]) { g in
            [g.summed(toShape: a.shape), (-g).summed(toShape: b.shape)]
        }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        let needA = a.requiresGradient, needB = b.requiresGradient
        return record(a.value * b.value, parents: [a, b]) { g in
            [needA ? (g * b.value).summed(toShape: a.shape) : nil,
             needB ? (g * a.value).summed(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        let needA = a.requiresGradient, needB = b.requiresGradient
        let y = a.value / b.value
        return record(y, parents: [a, b]) { g in
            let gOverB = g / b.value
            return [needA ? gOverB.summed(toShape: a.shape) : nil,
                    needB ? (-(gOverB * y)).summed(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (x: Variable) -> Variable {
        record(-x.value, parents: [x]) { g in [-g] }
    }

    /// Multiplies by a constant scalar.
    public static func * (x: Variable, c: Scalar) -> Variable {
        record(x.value * c, parents: [x]) { g in [g * c] }
    }
    /// Multiplies by a constant scalar.
    public static func * (c: Scalar, x: Variable) -> Variable { x * c }
    /// Adds a constant scalar.
    public static func + (x: Variable, c: Scalar) -> Variable {
        record(x.value + c, parents: [x]) { g in [g] }
    }
    /// Adds a constant scalar.
    public static func + (c: Scalar, x: Variable) -> Variable { x + c }
    /// Subtracts a constant scalar.
    public static func - (x: Variable, c: Scalar) -> Variable { x + (-c) }
    /// Constant minus a variable.
    public static func - (c: Scalar, x: Variable) -> Variable { -x + c }
    /// Divides by a constant scalar.
    public static func / (x: Variable, c: Scalar) -> Variable { x * (1 / c) }
}
