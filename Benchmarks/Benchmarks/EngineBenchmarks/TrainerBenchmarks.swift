// Trainer step benchmarks go here once MixupTraining exists: samples/s of one full step for each
// arm of the ablation, on the same MLP 64-128-128-10 at batch 100 as `MLP 64-128-128-10 step b100`
// so the cost of mixing and of each regularizer reads off as a difference:
//   "trainer ERM step b100", "trainer Mixup step b100",
//   "trainer MixupE-approx step b100" (q̄ penalty), "trainer MixupE-exact step b100" (JVP penalty).
// Add `.product(name: "MixupTraining", package: "MixupLab")` to the EngineBenchmarks target in
// Benchmarks/Package.swift, register with `engineConfiguration(samplesPerSecondMetric)` and
// `measureRate(..., workPerIteration: Double(batch), unit: 1)` like the MLP step.

/// Registers the trainer-step benchmarks (none yet: the trainer module is still being written).
func registerTrainerBenchmarks() {
}
