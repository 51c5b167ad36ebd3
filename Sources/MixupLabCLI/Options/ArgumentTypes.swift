import ArgumentParser
import MixupCore
import MixupExperiments
import MixupNN
import MixupRegularizers
import MixupTraining

extension Method: ExpressibleByArgument {}
extension PartnerSelection: ExpressibleByArgument {}
extension CleanPass: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension ModelSpec.Kind: ExpressibleByArgument {}
extension GINReadout: ExpressibleByArgument {}

extension ClassificationLoss: ExpressibleByArgument {
    /// `cross-entropy` (or `ce`) and `logistic`.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "cross-entropy", "crossentropy", "ce": self = .crossEntropy
        case "logistic": self = .logistic
        default: return nil
        }
    }
    public static var allValueStrings: [String] { ["cross-entropy", "logistic"] }
    public var defaultValueDescription: String { self == .crossEntropy ? "cross-entropy" : "logistic" }
}

/// The optimizers the command line can build.
public enum OptimizerKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    case adam, adamw, sgd
}

/// Positive layer widths, comma-separated (`128,128`); empty entries and non-positive widths are refused.
public struct Widths: ExpressibleByArgument, Equatable, Sendable {
    /// The widths, input side first.
    public var values: [Int]

    /// Widths from their values.
    public init(_ values: [Int]) { self.values = values }

    public init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        values = parts.map { $0! }
    }
    public var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}

/// Real numbers, comma-separated (`0.05,0.1,0.2`).
public struct NumberList: ExpressibleByArgument, Equatable, Sendable {
    /// The numbers in order.
    public var values: [Double]

    /// A list from its values.
    public init(_ values: [Double]) { self.values = values }

    public init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0?.isFinite ?? false }) else { return nil }
        values = parts.map { $0! }
    }
    public var defaultValueDescription: String { values.map { "\($0)" }.joined(separator: ",") }
}

/// A learning-rate schedule as written on the command line: `constant`, `step:E1,E2[:factor]`,
/// `cosine:WARMUP_EPOCHS`; cosine needs the run's epoch count, so it is resolved later.
public enum ScheduleArgument: ExpressibleByArgument, Equatable, Sendable {
    case constant
    case step(epochs: [Int], factor: Double)
    case cosine(warmupEpochs: Double)

    public init?(argument text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "constant" where parts.count == 1: self = .constant
        case "step" where parts.count == 2 || parts.count == 3:
            let at = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            let factor = parts.count == 3 ? Double(parts[2]) : 0.1
            guard !at.isEmpty, at.allSatisfy({ ($0 ?? 0) > 0 }), let factor, factor > 0, factor.isFinite else { return nil }
            self = .step(epochs: at.map { $0! }, factor: factor)
        case "cosine" where parts.count <= 2:
            let warmup = parts.count == 2 ? Double(parts[1]) : 0
            guard let warmup, warmup >= 0, warmup.isFinite else { return nil }
            self = .cosine(warmupEpochs: warmup)
        default: return nil
        }
    }

    /// The schedule for a run of `epochs` epochs.
    public func resolved(epochs: Int) -> LearningRateSchedule {
        switch self {
        case .constant: return .constant
        case let .step(at, factor): return .stepDecay(epochs: at, factor: factor)
        case let .cosine(warmup): return .warmupCosine(warmupEpochs: warmup, totalEpochs: Double(epochs), minimumFactor: 0)
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .constant: return "constant"
        case let .step(at, factor): return "step:\(at.map(String.init).joined(separator: ",")):\(factor)"
        case let .cosine(warmup): return "cosine:\(warmup)"
        }
    }
}

/// Regularizer options as written (`key=value[,key=value]`), checked for form here; the
/// regularizer itself rejects keys it does not know when the run is set up.
public struct RegularizerOptionsArgument: ExpressibleByArgument, Sendable {
    /// The text as given (what run records store).
    public var text: String
    /// The parsed options.
    public var options: RegularizerOptions

    public init?(argument: String) {
        guard let parsed = try? RegularizerOptions(parsing: argument) else { return nil }
        text = argument
        options = parsed
    }
    public var defaultValueDescription: String { text }
}

/// Ablation arms, comma-separated: `erm,mixup,erm+r,mixupe[:REGULARIZER]`.
public struct ArmList: ExpressibleByArgument, Sendable {
    /// The arms in order.
    public var arms: [Ablation.Arm]

    /// A list from its arms.
    public init(_ arms: [Ablation.Arm]) { self.arms = arms }

    public init?(argument: String) {
        guard let arms = try? argument.split(separator: ",").map({ try Ablation.Arm(parsing: String($0)) }), !arms.isEmpty
        else { return nil }
        self.arms = arms
    }
    public var defaultValueDescription: String { arms.map(\.description).joined(separator: ",") }
}
