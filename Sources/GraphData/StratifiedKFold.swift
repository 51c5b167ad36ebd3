import SeededRandom
/// One split of a k-fold cross-validation: the graphs to test on and the rest to train on (sorted indices).
public struct CrossValidationFold: Equatable {
    /// Position of this fold, `0..<foldCount`.
    public let index: Int
    /// Graph indices used for training (all graphs not in `testIndices`), ascending.
    public let trainIndices: [Int]
    /// Graph indices held out for testing, ascending.
    public let testIndices: [Int]
}

/// Seeded stratified k-fold cross-validation, the protocol of Xu et al. 2018 (GIN): 10 folds, each class spread
/// evenly, every graph tested exactly once.
///
/// Each class's members are shuffled with `SeededRandom`'s Fisher–Yates and dealt round-robin to the folds, the dealing cursor
/// carrying over from class to class; so per fold each class count is ⌊n_c/k⌋ or ⌈n_c/k⌉ and fold sizes differ by
/// at most one.
public enum StratifiedKFold {
    /// Splits graphs with class indices `labels` (non-negative) into `foldCount` stratified folds.
    ///
    /// Throws when `foldCount < 2`, when there are fewer graphs than folds, or when a label is negative.
    public static func folds(labels: [Int], foldCount: Int = 10,
                             using generator: inout some RandomNumberGenerator) throws -> [CrossValidationFold] {
        guard foldCount >= 2 else {
            throw GraphDataError(file: nil, message: "cross-validation needs at least 2 folds, got \(foldCount)")
        }
        guard labels.count >= foldCount else {
            throw GraphDataError(file: nil, message: "cannot split \(labels.count) graphs into \(foldCount) folds")
        }
        var members: [Int: [Int]] = [:]
        for (graph, label) in labels.enumerated() {
            guard label >= 0 else {
                throw GraphDataError(file: nil, message: "graph \(graph) has negative class index \(label)")
            }
            members[label, default: []].append(graph)
        }
        var testSets = [[Int]](repeating: [], count: foldCount)
        var cursor = 0
        for label in members.keys.sorted() {
            var graphs = members[label] ?? []
            generator.shuffle(&graphs)
            for graph in graphs {
                testSets[cursor].append(graph)
                cursor = (cursor + 1) % foldCount
            }
        }
        var folds = [CrossValidationFold]()
        folds.reserveCapacity(foldCount)
        for (index, var test) in testSets.enumerated() {
            test.sort()
            var train = [Int]()
            train.reserveCapacity(labels.count - test.count)
            var next = 0
            for graph in 0..<labels.count {
                if next < test.count && test[next] == graph { next += 1 } else { train.append(graph) }
            }
            folds.append(CrossValidationFold(index: index, trainIndices: train, testIndices: test))
        }
        return folds
    }
}
