/// The scalars a run writes to TensorBoard. Step scalars (`step/…`, x = global iteration) and
/// epoch scalars (`epoch/…`, x = 1-based epoch) carry only values the run has: R and κ only when
/// a regularizer is trained, λ only when the method mixes, validation and test only when those
/// sets exist.
extension StepEvent {
    /// `step/loss`, `step/learning_rate`, and `step/penalty`, `step/kappa` (`regularized`) and
    /// `step/lambda` (`mixes`).
    public func tensorBoardScalars(regularized: Bool, mixes: Bool) -> [TensorBoardScalar] {
        var scalars = [TensorBoardScalar("step/loss", result.loss)]
        if regularized {
            scalars.append(TensorBoardScalar("step/penalty", result.penalty))
            scalars.append(TensorBoardScalar("step/kappa", result.kappa))
        }
        if mixes { scalars.append(TensorBoardScalar("step/lambda", result.lambda)) }
        scalars.append(TensorBoardScalar("step/learning_rate", learningRate))
        return scalars
    }
}

extension EpochMetrics {
    /// `epoch/train_loss`, `epoch/penalty` and `epoch/kappa` (`regularized`), `epoch/train_accuracy`,
    /// `epoch/train_clean_loss`, `epoch/validation_{accuracy,loss}` and `epoch/test_{accuracy,loss}`
    /// (when present), `epoch/learning_rate`, `epoch/samples_per_second`, and the weight average's
    /// `epoch/ema_{validation,test}_{accuracy,loss}` (with `--ema`).
    public func tensorBoardScalars(regularized: Bool) -> [TensorBoardScalar] {
        var scalars = [TensorBoardScalar("epoch/train_loss", trainLoss)]
        if regularized {
            scalars.append(TensorBoardScalar("epoch/penalty", penalty))
            scalars.append(TensorBoardScalar("epoch/kappa", kappa))
        }
        scalars.append(TensorBoardScalar("epoch/train_accuracy", trainAccuracy))
        scalars.append(TensorBoardScalar("epoch/train_clean_loss", trainCleanLoss))
        let optional: [(String, Double?)] = [("epoch/validation_accuracy", validationAccuracy),
                                              ("epoch/validation_loss", validationLoss),
                                              ("epoch/test_accuracy", testAccuracy), ("epoch/test_loss", testLoss),
                                              ("epoch/ema_validation_accuracy", emaValidationAccuracy),
                                              ("epoch/ema_validation_loss", emaValidationLoss),
                                              ("epoch/ema_test_accuracy", emaTestAccuracy), ("epoch/ema_test_loss", emaTestLoss)]
        for case let (tag, value?) in optional { scalars.append(TensorBoardScalar(tag, value)) }
        scalars.append(TensorBoardScalar("epoch/learning_rate", learningRate))
        scalars.append(TensorBoardScalar("epoch/samples_per_second", samplesPerSecond))
        return scalars
    }
}
