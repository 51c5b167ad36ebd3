import MixupNN

extension RunSpec {
    /// The record of this spec's model and data preparation that its runs write into their
    /// checkpoints, so `evaluate`, `predict` and `export` need only the checkpoint.
    public func manifest(loss: ClassificationLoss) -> ModelManifest {
        switch data {
        case let .splits(splits):
            return ModelManifest(dataset: splits.name, model: model, inputShape: splits.train.sampleShape,
                                 outputCount: loss.outputCount(classes: splits.train.classCount),
                                 classNames: splits.classNames, loss: loss, input: splits.preparation)
        case let .graphs(source):
            return ModelManifest(dataset: source.name, model: model, inputShape: [source.featureCount],
                                 outputCount: loss.outputCount(classes: source.classCount),
                                 classNames: source.dataset.classValues.map(String.init), loss: loss,
                                 input: .graphs(GraphPreparation(featureSource: source.dataset.featureSource.rawValue,
                                                                 maxDegree: source.dataset.maxDegree,
                                                                 nodeLabelValues: source.dataset.nodeLabelValues,
                                                                 classValues: source.dataset.classValues,
                                                                 featureCount: source.featureCount)))
        }
    }
}
