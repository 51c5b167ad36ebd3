import MixupCore
import MixupNN
import MixupTraining

extension TheoremOneStudy {
    /// Trains `run` (built from `spec`) to its configured epochs and, after the last one, runs the
    /// study on a Float64 copy of the model at the mixing point (inputs, or graph readouts) over a
    /// seeded sample of at most `sampleCount` training examples — the `theorem1` command in any domain.
    public func run(_ run: any TrainingRun<Float>, spec: RunSpec, sampleCount: Int) throws -> [Row] {
        guard sampleCount >= 2 else { throw ExperimentError("theorem1: --samples must be ≥ 2, got \(sampleCount)") }
        var rng = SeededGenerator(seed: seed ^ 0x7E0_4E41)
        let picked = Array(rng.permutation(run.trainingCount).prefix(sampleCount)).sorted()
        var rows: [Row] = []
        var studied = false
        func study() throws {
            let probe = try run.probe(examples: picked)
            let model = try spec.float64Copy(of: run)
            rows = try model.evaluating {
                try self.run(model: model, inputs: Tensor<Double>(probe.inputs), targets: Tensor<Double>(probe.targets),
                             loss: run.configuration.loss)
            }
            studied = true
        }
        let epochs = run.configuration.epochs
        run.onEpoch.append { metrics in
            if metrics.epoch == epochs { try study() }
        }
        try run.run()
        if !studied { try study() }   // a resumed run that had already finished
        return rows
    }
}
