import Foundation
import FuzzSupport
import MixupTraining

/// Run-config harness: decodes the body the way `TrainingLoop.resume` decodes a checkpoint's `configuration`
/// metadata (`JSONDecoder` → `TrainingConfiguration`, then `validate()`), and with mode bit 0 set also as the
/// `metrics.jsonl` lines `RunDirectory.readMetrics` decodes on resume. A configuration that decodes and validates
/// must encode again (the run record and checkpoint writes) and decode to an equal value; decoded metrics must
/// round-trip the same way.
@_cdecl("FuzzRunConfig_main")
func fuzzRunConfigMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { raw in
        let input = FuzzInput(raw)
        let data = Data(input.body)
        if input.mode & 1 == 0 {
            let configuration: TrainingConfiguration
            do {
                configuration = try JSONDecoder().decode(TrainingConfiguration.self, from: data)
                try configuration.validate()
            } catch {
                checkErrorMessage(error)
                return
            }
            let encoded: Data
            do { encoded = try JSONEncoder().encode(configuration) } catch {
                invariant(false, "a validated configuration cannot be written to config.json: \(error)")
                return
            }
            let decoded = try? JSONDecoder().decode(TrainingConfiguration.self, from: encoded)
            invariant(decoded == configuration, "config.json round trip changed the configuration")
        } else {
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let metrics = try? JSONDecoder().decode(EpochMetrics.self, from: Data(line)) else { continue }
                guard let encoded = try? JSONEncoder().encode(metrics) else {
                    // Non-finite numbers cannot be written back; the decoder never produces them from JSON text.
                    invariant(false, "decoded metrics cannot be encoded again: \(metrics)")
                    return
                }
                let decoded = try? JSONDecoder().decode(EpochMetrics.self, from: encoded)
                invariant(decoded == metrics, "metrics.jsonl round trip changed \(metrics)")
            }
        }
    }
}
