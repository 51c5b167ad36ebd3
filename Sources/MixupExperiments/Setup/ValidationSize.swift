import Foundation
/// How many training examples are held out for validation: a count (`500`) or a fraction (`0.1`), the value of
/// `--validation-size`. `0` means no validation split at all, deliberately.
public enum ValidationSize: Equatable, Sendable, CustomStringConvertible {
    /// Exactly this many examples (≥ 0).
    case count(Int)
    /// This share of the training examples, in [0, 1), rounded to the nearest example.
    case fraction(Double)

    /// Parses `N` (a whole number) or `F` (a number with a decimal point or exponent, in [0, 1)).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(trimmed) {
            guard n >= 0 else { throw ExperimentError("--validation-size must be a count ≥ 0 or a fraction in [0, 1), got \(text)") }
            self = .count(n)
        } else if let f = Double(trimmed), f.isFinite, f >= 0, f < 1 {
            self = .fraction(f)
        } else {
            throw ExperimentError("--validation-size must be a count ≥ 0 or a fraction in [0, 1), got '\(text)'")
        }
    }

    /// The number of examples held out of `total`.
    public func count(outOf total: Int) -> Int {
        switch self {
        case .count(let n): return n
        case .fraction(let f): return Int((f * Double(total)).rounded())
        }
    }

    /// True for an explicit empty validation split (`0` or `0.0`).
    public var isZero: Bool { self == .count(0) || self == .fraction(0) }

    /// The value as written on the command line.
    public var description: String {
        switch self {
        case .count(let n): return String(n)
        case .fraction(let f): return String(f)
        }
    }
}
