import MixupCore

/// Central finite differences in Float64: the independent reference every derivative test uses.
public enum FiniteDifferences {
    /// ∂f/∂x by central differences with step h (error O(h²) + O(ε/h)).
    public static func gradient(of f: (Tensor<Double>) -> Double, at x: Tensor<Double>,
                                step h: Double = 1e-6) -> Tensor<Double> {
        var g = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x.scalars, minus = x.scalars
            plus[i] += h; minus[i] -= h
            g[i] = (f(Tensor(shape: x.shape, scalars: plus)) - f(Tensor(shape: x.shape, scalars: minus))) / (2 * h)
        }
        return Tensor(shape: x.shape, scalars: g)
    }

    /// (f(x + h·v) − f(x − h·v)) / 2h: the directional derivative, elementwise over f's output.
    public static func directional(of f: ([Tensor<Double>]) -> Tensor<Double>, at xs: [Tensor<Double>],
                                   along vs: [Tensor<Double>], step h: Double = 1e-6) -> Tensor<Double> {
        let plus = zip(xs, vs).map { $0 + $1 * h }, minus = zip(xs, vs).map { $0 - $1 * h }
        return (f(plus) - f(minus)) * (1 / (2 * h))
    }
}

/// Relative error ‖a − b‖∞ / max(1, ‖b‖∞), the measure all derivative checks use.
public func relativeError(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    let diff = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    let scale = max(1, b.scalars.map { abs($0) }.max() ?? 0)
    return diff / scale
}
