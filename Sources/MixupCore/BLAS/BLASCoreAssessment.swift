/// The verdict on an OpenBLAS kernel family ("core") for a CPU: does it use the widest
/// instruction set the CPU runs, and if not, which `OPENBLAS_CORETYPE` would.
///
/// A pure function of (core name, CPU features), so the table of cases is pinned by tests; see
/// `BLASCore.current` for this process.
public struct BLASCoreAssessment: Equatable, Sendable {
    /// The core name as `openblas_get_corename()` reports it (e.g. "Prescott", "Haswell", "Zen").
    public var coreName: String
    /// The instruction-set level of that core's kernels, nil for a name not in OpenBLAS's x86-64 table.
    public var coreLevel: SIMDInstructionLevel?
    /// The widest level the CPU runs.
    public var cpuLevel: SIMDInstructionLevel
    /// The outcome.
    public var verdict: BLASCoreVerdict

    /// Judges `coreName` against `cpu`.
    public init(coreName: String, cpu: CPUFeatures) {
        self.coreName = coreName
        coreLevel = Self.level(ofCore: coreName)
        cpuLevel = cpu.instructionLevel
        guard let level = coreLevel else { verdict = .unrecognised; return }
        if level < cpuLevel {
            verdict = .fellBack(recommended: Self.recommendedCore(for: cpuLevel) ?? coreName)
        } else if level > cpuLevel {
            verdict = .beyondCPU
        } else {
            verdict = .matchesCPU
        }
    }

    /// True when the core runs narrower kernels than the CPU supports.
    public var fellBack: Bool { if case .fellBack = verdict { true } else { false } }

    /// Cores to try, best first, when the core fell back: every level above the current core's
    /// up to the CPU's, each as its OpenBLAS name (e.g. ["SkylakeX", "Haswell"] over Prescott on an
    /// AVX-512 CPU). Empty unless `fellBack`.
    public var candidates: [String] {
        guard fellBack, let level = coreLevel else { return [] }
        return [SIMDInstructionLevel.avx512, .avx2, .avx]
            .filter { $0 > level && $0 <= cpuLevel }
            .compactMap(Self.recommendedCore(for:))
    }

    /// The OpenBLAS core to force for a level: SkylakeX for AVX-512 (on the AMX Intel it measured
    /// 119–147 GFLOP/s vs Cooperlake 116–130; both share the sgemm kernels), Haswell for AVX2+FMA,
    /// Sandybridge for AVX; nil for SSE (nothing better to pick).
    public static func recommendedCore(for level: SIMDInstructionLevel) -> String? {
        switch level {
        case .avx512: "SkylakeX"
        case .avx2: "Haswell"
        case .avx: "Sandybridge"
        case .sse: nil
        }
    }

    /// The instruction-set level of an OpenBLAS x86-64 core name (case-insensitive), nil if unknown.
    public static func level(ofCore name: String) -> SIMDInstructionLevel? {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        switch key {
        case "skylakex", "cooperlake", "sapphirerapids":
            return .avx512
        case "haswell", "zen", "excavator":
            return .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller":
            return .avx
        case "prescott", "nehalem", "core2", "penryn", "dunnington", "atom", "barcelona", "opteron", "opteronsse3",
             "bobcat", "nano", "katmai", "coppermine", "northwood", "banias", "athlon", "generic", "unknown":
            return .sse
        default:
            return nil
        }
    }
}

/// How an OpenBLAS core compares with the CPU it runs on.
public enum BLASCoreVerdict: Equatable, Sendable {
    /// The core's kernels use the widest instruction set the CPU runs.
    case matchesCPU
    /// The core is narrower than the CPU (OpenBLAS did not recognise the model, or it was forced):
    /// GEMMs run 2–5× slower than with `OPENBLAS_CORETYPE=recommended`.
    case fellBack(recommended: String)
    /// The core needs instructions the CPU lacks (only when forced): expect a crash (SIGILL).
    case beyondCPU
    /// A core name outside OpenBLAS's x86-64 table (another architecture or a newer OpenBLAS).
    case unrecognised
}
