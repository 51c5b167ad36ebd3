import MixupCore
import MixupTraining

extension LoadedSplits {
    /// All splits moved by the same per-feature offset (features − offset), so the condition
    /// E[x̄] = 0 of eq. (2) can be tightened (offset = training mean) or broken on purpose.
    public func translated(by offset: Tensor<Float>) -> LoadedSplits {
        precondition(offset.shape == train.sampleShape, "offset \(offset.shape) must have the shape of one sample \(train.sampleShape)")
        let row = offset.reshaped([1] + offset.shape)
        func move(_ d: ClassificationData<Float>) -> ClassificationData<Float> {
            d.count == 0 ? d : ClassificationData(features: d.features - row, labels: d.labels, classCount: d.classCount)
        }
        var copy = self
        copy.train = move(train)
        copy.validation = move(validation)
        copy.test = move(test)
        return copy
    }

    /// The splits re-centred on the training mean computed in Float64 (tightens E[x̄] ≈ 0 from
    /// the standardization's float error down to the rounding of the subtraction itself).
    public func centeredOnTrainingMean() -> LoadedSplits {
        let n = train.count, d = train.sampleShape.reduce(1, *)
        var sums = [Double](repeating: 0, count: d)
        train.features.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<d { sums[j] += Double(x[i * d + j]) } }
        }
        return translated(by: Tensor(shape: train.sampleShape, scalars: sums.map { Float($0 / Double(max(n, 1))) }))
    }
}
