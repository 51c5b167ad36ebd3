import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The OpenBLAS kernel family ("core") this process runs, judged against the CPU.
///
/// OpenBLAS picks its core once, when the library loads; on CPUs it does not recognise it falls
/// back to SSE3 kernels (2–5× slower GEMMs) without a word. `BLASCore.current` makes that visible
/// (for `mixuplab --version`, run records and benchmark headers), and the first GEMM of a process
/// that fell back prints a one-time warning with the exact `OPENBLAS_CORETYPE` remedy.
public struct BLASCore: Sendable, CustomStringConvertible {
    /// `openblas_get_corename()`, e.g. "Haswell", "Zen", "SkylakeX", "Prescott".
    public var name: String
    /// `openblas_get_config()`, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public var configuration: String
    /// The CPU the judgement is made against.
    public var cpu: CPUFeatures
    /// The core judged against the CPU.
    public var assessment: BLASCoreAssessment
    /// `OPENBLAS_CORETYPE` as the process environment has it (nil when unset or empty).
    public var requestedCoreType: String?
    /// True when `mixuplab` set `OPENBLAS_CORETYPE` itself (re-executed after a GEMM self-check),
    /// false when OpenBLAS chose the core or the user set it.
    public var selectedByMixupLab: Bool

    /// A core judged against `cpu`, as `current` describes this process (also for tests and reports
    /// about other machines).
    public init(name: String, configuration: String, cpu: CPUFeatures, requestedCoreType: String?,
                selectedByMixupLab: Bool) {
        self.name = name
        self.configuration = configuration
        self.cpu = cpu
        assessment = BLASCoreAssessment(coreName: name, cpu: cpu)
        self.requestedCoreType = requestedCoreType
        self.selectedByMixupLab = selectedByMixupLab
    }

    /// This process's core, read once (the core cannot change after OpenBLAS has loaded).
    public static let current: BLASCore = {
        let environment = ProcessEnvironment.current
        let requested = environment["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
        let name = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        let configuration = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        return BLASCore(name: name, configuration: configuration, cpu: .current, requestedCoreType: requested,
                        selectedByMixupLab: requested != nil && environment[BLASCoreSelection.markerVariable] == requested)
    }()

    /// The OpenBLAS version from `configuration` ("0.3.21"), or nil if it does not say.
    public var openBLASVersion: String? {
        let words = configuration.split(separator: " ")
        guard words.count > 1, words[0] == "OpenBLAS" else { return nil }
        return String(words[1])
    }

    /// Who chose the core: "chosen by OpenBLAS", "set by OPENBLAS_CORETYPE" or "selected by mixuplab …".
    public var origin: String {
        if selectedByMixupLab { return "selected by mixuplab after a GEMM self-check" }
        if let requested = requestedCoreType { return "set by OPENBLAS_CORETYPE=\(requested)" }
        return "chosen by OpenBLAS"
    }

    /// One line: core, its kernels, who chose it, and the verdict, e.g.
    /// "Zen (AVX2+FMA kernels, chosen by OpenBLAS; CPU AVX2+FMA: matches)".
    public var description: String {
        let kernels = assessment.coreLevel.map { "\($0) kernels" } ?? "kernels of unknown width"
        let verdict: String
        switch assessment.verdict {
        case .matchesCPU: verdict = "matches"
        case .fellBack(let recommended): verdict = "FELL BACK, use OPENBLAS_CORETYPE=\(recommended)"
        case .beyondCPU: verdict = "core needs instructions the CPU lacks"
        case .unrecognised: verdict = "core not in MixupLab's table"
        }
        return "\(name) (\(kernels), \(origin); CPU \(assessment.cpuLevel): \(verdict))"
    }

    /// The warning for a core that does not match the CPU, with the remedy; nil when it matches.
    public var warning: String? {
        let cpuText = "a CPU with \(assessment.cpuLevel) (\(cpu.modelName))"
        switch assessment.verdict {
        case .matchesCPU, .unrecognised:
            return nil
        case .beyondCPU:
            return "warning: OpenBLAS core \(name) needs instructions that \(cpuText) lacks (\(origin)); "
                + "expect a crash (illegal instruction). Remedy: unset OPENBLAS_CORETYPE."
        case .fellBack(let recommended):
            let kernels = assessment.coreLevel.map { "\($0)" } ?? "narrower"
            if let requested = requestedCoreType, !selectedByMixupLab {
                return "warning: OPENBLAS_CORETYPE=\(requested) (set in the environment, kept) runs OpenBLAS's "
                    + "\(name) (\(kernels)) kernels on \(cpuText): matrix products run 2–5× slower than they could. "
                    + "Remedy: unset OPENBLAS_CORETYPE (mixuplab then selects and checks the best core itself) "
                    + "or set OPENBLAS_CORETYPE=\(recommended)."
            }
            return "warning: OpenBLAS fell back to its \(name) (\(kernels)) kernels on \(cpuText): matrix products "
                + "run 2–5× slower than they could. Remedy: start the process with OPENBLAS_CORETYPE=\(recommended) "
                + "in its environment (e.g. `OPENBLAS_CORETYPE=\(recommended) swift test …`); the core is chosen "
                + "when OpenBLAS loads and cannot change afterwards. The mixuplab executable does this itself."
        }
    }

    /// Prints `current.warning` to standard error once per process (nothing when the core matches).
    /// Called by the first GEMM, so every program using the engine gets it without asking.
    @inline(__always)
    public static func warnOnceIfMismatched() { _ = warnedOnce }

    private static let warnedOnce: Bool = {
        guard let text = current.warning else { return false }
        fputs(text + "\n", stderr)
        return true
    }()
}
