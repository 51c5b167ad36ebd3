import MixupTraining

extension LoadedSplits {
    /// Checks the splits before a model is built, so bad data is a clear error instead of a trap, a meaningless
    /// "100 %" or a silent NaN: at least one feature, at least two classes among the training examples,
    /// non-empty validation (unless `validationMayBeEmpty`, i.e. an explicit `--validation-size 0`) and test
    /// splits, one sample shape across splits, and finite feature values.
    public func validate(validationMayBeEmpty: Bool) throws {
        let origin = self.origin ?? name
        let features = train.sampleShape.reduce(1, *)
        guard !train.sampleShape.isEmpty, features >= 1 else {
            throw ExperimentError("\(origin): samples have shape \(train.sampleShape), with no features to learn from")
        }
        guard train.count > 0 else { throw ExperimentError("\(origin): the training split is empty") }
        let present = Set(train.labels).count
        guard present >= 2 else {
            throw ExperimentError("\(origin): the \(train.count) training examples hold \(present) class; "
                                  + "classification needs at least 2")
        }
        let total = train.count + validation.count + test.count
        if validation.count == 0 && !validationMayBeEmpty {
            throw ExperimentError("\(origin): the validation split is empty (\(total) examples in all); hold some out "
                                  + "with --validation-size N|F, or pass --validation-size 0 to train without validation")
        }
        guard test.count > 0 else {
            throw ExperimentError("\(origin): the test split is empty (\(total) examples in all); "
                                  + "a run would report an accuracy measured on nothing")
        }
        for (split, data) in [("validation", validation), ("test", test)] where data.count > 0 {
            guard data.sampleShape == train.sampleShape else {
                throw ExperimentError("\(origin): \(split) samples have shape \(data.sampleShape) but training samples "
                                      + "\(train.sampleShape)")
            }
        }
        for (split, data) in [("training", train), ("validation", validation), ("test", test)] {
            let scalars = data.features.scalars
            if let bad = scalars.firstIndex(where: { !$0.isFinite }) {
                throw ExperimentError("\(origin): \(split) example \(bad / features) has the non-finite value "
                                      + "\(scalars[bad]) at feature \(bad % features)")
            }
        }
    }
}
