import Foundation
import MixupCore
import MixupNN

/// A training loop seen without its objective's type: what commands and studies need to drive
/// any run — tabular, image, speech or graph — the same way. `TrainingLoop` is the one conformer.
public protocol TrainingRun<Scalar>: AnyObject {
    /// Precision of model and data.
    associatedtype Scalar: TensorScalar
    /// Method, α, η, optimizer, schedule, seed, epochs, …
    var configuration: TrainingConfiguration { get }
    /// The whole model (for parameter counts and checkpoints).
    var trainedModel: any Layer<Scalar> { get }
    /// Number of training examples.
    var trainingCount: Int { get }
    /// Metrics of completed epochs.
    var history: [EpochMetrics] { get }
    /// Where per-epoch lines go.
    var log: (String) -> Void { get set }
    /// Optional run folder for config, metrics and checkpoints.
    var runDirectory: RunDirectory? { get set }
    /// Whether a run directory also gets a TensorBoard event file (default true).
    var writesTensorBoard: Bool { get set }
    /// Extra string metadata written into every checkpoint (the loop's own keys win).
    var extraCheckpointMetadata: [String: String] { get set }
    /// Observers called after every step and every epoch.
    var onStep: [(StepEvent) throws -> Void] { get set }
    var onEpoch: [(EpochMetrics) throws -> Void] { get set }
    /// Trains to the configured epoch count; returns the history.
    @discardableResult func run() throws -> [EpochMetrics]
    /// Continues from a checkpoint of this run.
    func resume(from url: URL) throws
    /// Clean training examples at the mixing point (see `Probe`).
    func probe(examples: [Int]) throws -> Probe<Scalar>
    /// Accuracy and clean loss on a split (nil when absent).
    func evaluate(_ split: DataSplit) throws -> Evaluation?
}

extension TrainingLoop: TrainingRun {
    public var trainedModel: any Layer<Scalar> { objective.model }
    public var trainingCount: Int { objective.trainingCount }
    public func probe(examples: [Int]) throws -> Probe<Scalar> { try objective.probe(examples: examples) }
}

extension TrainingRun {
    /// Resumes from the run directory's `last.safetensors` if there is one; returns whether it did.
    @discardableResult
    public func resumeIfPossible() throws -> Bool {
        guard let runDirectory, FileManager.default.fileExists(atPath: runDirectory.lastCheckpointURL.path) else { return false }
        try resume(from: runDirectory.lastCheckpointURL)
        return true
    }
}
