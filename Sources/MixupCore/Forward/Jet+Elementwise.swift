import RealModule

/// Elementwise nonlinearities in Taylor mode, by the standard ODE recurrences.
///
/// If y = f(x) and f′ is itself expressible through y or another jet g (y′ = g·x′), matching
/// the coefficients of t^{k−1} gives k·y_k = Σ_{j=1}^{k} j·x_j·g_{k−j}: each new coefficient
/// needs only lower ones, so J coefficients cost O(J²) taped elementwise products.
/// exp: g = y; tanh: g = 1 − y²; sigmoid: g = y − y²; softplus: g = sigmoid(x);
/// Φ: g = φ(x) with φ′ = −x·φ·x′; log and sqrt by back-substitution in x·y′ = x′ and y² = x.
extension Jet {
    /// Solves y′ = g·x′ coefficientwise from y₀: y_k = (1/k)·Σ_{j=1}^{k} j·x_j·g_{k−j}, where
    /// `g(m, y)` returns g_m and may read y₀…y_m (already computed when it is asked).
    func integrating(from y0: Variable<Scalar>,
                     derivative g: (_ m: Int, _ y: [Variable<Scalar>]) -> Variable<Scalar>) -> Jet {
        var y = [y0], gs: [Variable<Scalar>] = []
        guard order >= 1 else { return Jet(coefficients: y) }
        // j·x_j, computed once (j = 1 needs no scaling, which keeps c₁ identical to the JVP).
        let scaledX = coefficients.indices.map { $0 < 2 ? coefficients[$0] : coefficients[$0] * Scalar($0) }
        for k in 1...order {
            gs.append(g(k - 1, y))
            var acc = scaledX[1] * gs[k - 1]
            for j in stride(from: 2, through: k, by: 1) { acc = acc + scaledX[j] * gs[k - j] }
            y.append(k == 1 ? acc : acc * (1 / Scalar(k)))
        }
        return Jet(coefficients: y)
    }

    /// (y·y)_m from coefficients y₀…y_m.
    static func squareCoefficient(_ y: [Variable<Scalar>], _ m: Int) -> Variable<Scalar> {
        if m == 0 { return y[0].square() }
        var acc = y[0] * y[m]
        for i in stride(from: 1, through: (m - 1) / 2, by: 1) { acc = acc + y[i] * y[m - i] }
        acc = acc * 2
        return m % 2 == 0 ? acc + y[m / 2].square() : acc
    }

    /// eˣ: y′ = y·x′.
    public func exp() -> Jet { integrating(from: primal.exp()) { m, y in y[m] } }

    /// log x: from x·y′ = x′, y_k = (x_k − (1/k)·Σ_{j=1}^{k−1} j·y_j·x_{k−j}) / x₀.
    public func log() -> Jet {
        var y = [primal.log()]
        for k in stride(from: 1, through: order, by: 1) {
            var acc = coefficients[k]
            if k >= 2 {
                var s = y[1] * coefficients[k - 1]
                for j in stride(from: 2, through: k - 1, by: 1) { s = s + y[j] * coefficients[k - j] * Scalar(j) }
                acc = acc - s * (1 / Scalar(k))
            }
            y.append(acc / primal)
        }
        return Jet(coefficients: y)
    }

    /// tanh: y′ = (1 − y²)·x′.
    public func tanh() -> Jet {
        integrating(from: primal.tanh()) { m, y in
            m == 0 ? 1 - y[0].square() : -Jet.squareCoefficient(y, m)
        }
    }

    /// The logistic sigmoid: y′ = y(1 − y)·x′.
    public func sigmoid() -> Jet {
        integrating(from: primal.sigmoid()) { m, y in
            m == 0 ? y[0] * (1 - y[0]) : y[m] - Jet.squareCoefficient(y, m)
        }
    }

    /// softplus log(1 + eˣ): y′ = sigmoid(x)·x′, the sigmoid jet needed to order J − 1.
    public func softplus() -> Jet {
        let s = order >= 1 ? truncated(toOrder: order - 1).sigmoid() : self
        return integrating(from: primal.softplus()) { m, _ in s[m] }
    }

    /// x²: the Cauchy product with itself (2·x₀·x_k + …).
    public func square() -> Jet {
        Jet(coefficients: (0...order).map { Jet.squareCoefficient(coefficients, $0) })
    }

    /// √x: from y² = x, y_k = (x_k − Σ_{i=1}^{k−1} y_i·y_{k−i}) / (2y₀).
    public func sqrt() -> Jet {
        var y = [primal.sqrt()]
        guard order >= 1 else { return Jet(coefficients: y) }
        let twiceY0 = y[0] * 2
        for k in 1...order {
            var acc = coefficients[k]
            for i in stride(from: 1, through: k - 1, by: 1) { acc = acc - y[i] * y[k - i] }
            y.append(acc / twiceY0)
        }
        return Jet(coefficients: y)
    }

    /// The standard normal density φ(x) = exp(−x²/2)/√(2π) as a jet, by φ′ = (−x·φ)·x′.
    public func normalDensity() -> Jet {
        let p0 = (primal.square() * Scalar(-0.5)).exp() * (1 / Scalar.sqrt(2 * Scalar.pi))
        return integrating(from: p0) { m, p in
            // g_m = −(x·p)_m
            var acc = coefficients[0] * p[m]
            for i in stride(from: 1, through: m, by: 1) { acc = acc + coefficients[i] * p[m - i] }
            return -acc
        }
    }

    /// Φ(x), the standard normal CDF: y′ = φ(x)·x′, the density jet needed to order J − 1.
    public func normalCDF() -> Jet {
        let density = order >= 1 ? truncated(toOrder: order - 1).normalDensity() : self
        return integrating(from: primal.normalCDF()) { m, _ in density[m] }
    }

    /// GELU(x) = x·Φ(x), by the Cauchy product.
    public func gelu() -> Jet { self * normalCDF() }

    /// ReLU: c₀ = relu(x₀) and every higher coefficient is masked by the constant 1[x₀ > 0].
    /// Away from the kink ReLU is linear, so this is exact there; as a consequence a ReLU net fed
    /// the seed jet (x, v, 0, …) has c_j = 0 for all j ≥ 2 (its higher derivatives vanish a.e.).
    public func relu() -> Jet {
        let mask = Variable<Scalar>(constant: primal.value.map(.step))
        return Jet(coefficients: [primal.relu()] + coefficients.dropFirst().map { $0 * mask })
    }

    /// |x|: every higher coefficient is multiplied by the constant sign(x₀) (exact away from 0).
    public func abs() -> Jet {
        let sign = Variable<Scalar>(constant: primal.value.map(.sign))
        return Jet(coefficients: [primal.abs()] + coefficients.dropFirst().map { $0 * sign })
    }

}
