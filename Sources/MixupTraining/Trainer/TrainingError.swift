/// Why a run stopped.
public enum TrainingError: Error, CustomStringConvertible {
    /// A setting that cannot work.
    case invalidConfiguration(String)
    /// The loss or a gradient became NaN/Inf; the last good checkpoint (if any) is kept.
    case diverged(epoch: Int, batch: Int, detail: String, lastGoodCheckpoint: String?)
    /// A checkpoint that does not belong to this run.
    case incompatibleCheckpoint(String)
    /// A checkpoint whose contents are damaged (unreadable, a non-finite tensor, a nonsense
    /// optimizer state): the message names the file and the tensor.
    case corruptCheckpoint(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(m): return "invalid configuration: \(m)"
        case let .diverged(epoch, batch, detail, checkpoint):
            return "training diverged at epoch \(epoch + 1), batch \(batch + 1): \(detail). "
                + (checkpoint.map { "Last good checkpoint kept at \($0)." } ?? "No checkpoint was written yet.")
                + " Try a smaller learning rate or η."
        case let .incompatibleCheckpoint(m): return "cannot resume: \(m)"
        case let .corruptCheckpoint(m): return "cannot resume: corrupt checkpoint: \(m)"
        }
    }
}
