import MixupCore
import XCTest

/// Pins the kernel-selection logic: which (CPU flags, OpenBLAS core) pairs count as a fallback,
/// which core is recommended, and what an executable plans to do about it.
final class BLASCoreAssessmentTests: XCTestCase {
    private let intelAMX: Set<String> = ["sse2", "pni", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f",
                                         "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16", "amx_tile"]
    private let zen4: Set<String> = ["sse2", "pni", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw",
                                     "avx512dq", "avx512vl", "avx512_bf16"]
    private let epycAVX2: Set<String> = ["sse2", "pni", "ssse3", "avx", "avx2", "fma"]
    private let avxOnly: Set<String> = ["sse2", "pni", "avx"]
    private let sseOnly: Set<String> = ["sse2", "pni"]
    /// Knights Landing style: avx512f without bw/dq/vl — SkylakeX kernels would not run.
    private let avx512fOnly: Set<String> = ["avx", "avx2", "fma", "avx512f", "avx512cd"]

    func testVerdictTableForCPUFlagsAndCoreNames() {
        let cases: [(String, Set<String>, String, BLASCoreVerdict)] = [
            ("Intel AMX on Prescott", intelAMX, "Prescott", .fellBack(recommended: "SkylakeX")),
            ("Intel AMX on SkylakeX", intelAMX, "SkylakeX", .matchesCPU),
            ("Intel AMX on Cooperlake", intelAMX, "Cooperlake", .matchesCPU),
            ("Intel AMX on Haswell", intelAMX, "Haswell", .fellBack(recommended: "SkylakeX")),
            ("Zen 4 on Cooperlake", zen4, "Cooperlake", .matchesCPU),
            ("Zen 4 on Zen", zen4, "Zen", .fellBack(recommended: "SkylakeX")),
            ("EPYC AVX2 on Zen", epycAVX2, "Zen", .matchesCPU),
            ("EPYC AVX2 on Haswell", epycAVX2, "Haswell", .matchesCPU),
            ("EPYC AVX2 on Prescott", epycAVX2, "Prescott", .fellBack(recommended: "Haswell")),
            ("EPYC AVX2 on Sandybridge", epycAVX2, "Sandybridge", .fellBack(recommended: "Haswell")),
            ("EPYC AVX2 forced SkylakeX", epycAVX2, "SkylakeX", .beyondCPU),
            ("AVX only on Nehalem", avxOnly, "Nehalem", .fellBack(recommended: "Sandybridge")),
            ("AVX only on Sandybridge", avxOnly, "Sandybridge", .matchesCPU),
            ("SSE only on Prescott", sseOnly, "Prescott", .matchesCPU),
            ("avx512f without bw/vl on Haswell", avx512fOnly, "Haswell", .matchesCPU),
            ("lower-case name", intelAMX, "prescott", .fellBack(recommended: "SkylakeX")),
            ("Opteron(SSE3) spelling", epycAVX2, "Opteron(SSE3)", .fellBack(recommended: "Haswell")),
            ("another architecture", epycAVX2, "POWER9", .unrecognised),
        ]
        for (label, flags, core, expected) in cases {
            let assessment = BLASCoreAssessment(coreName: core, cpu: CPUFeatures(flags: flags))
            XCTAssertEqual(assessment.verdict, expected, label)
            XCTAssertEqual(assessment.fellBack, { if case .fellBack = expected { true } else { false } }(), label)
        }
    }

    func testCandidatesAreTheLevelsAboveTheCoreUpToTheCPUBestFirst() {
        XCTAssertEqual(BLASCoreAssessment(coreName: "Prescott", cpu: CPUFeatures(flags: intelAMX)).candidates,
                       ["SkylakeX", "Haswell", "Sandybridge"])
        XCTAssertEqual(BLASCoreAssessment(coreName: "Sandybridge", cpu: CPUFeatures(flags: intelAMX)).candidates,
                       ["SkylakeX", "Haswell"])
        XCTAssertEqual(BLASCoreAssessment(coreName: "Prescott", cpu: CPUFeatures(flags: epycAVX2)).candidates,
                       ["Haswell", "Sandybridge"])
        XCTAssertEqual(BLASCoreAssessment(coreName: "Zen", cpu: CPUFeatures(flags: epycAVX2)).candidates, [])
        XCTAssertEqual(BLASCoreAssessment(coreName: "SkylakeX", cpu: CPUFeatures(flags: epycAVX2)).candidates, [])
    }

    func testCPUInfoParsingTakesTheFirstProcessorsModelAndFlags() {
        let text = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        model name\t: Intel(R) Xeon(R) Platinum 8480+
        flags\t\t: fpu sse2 pni avx avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl amx_tile

        processor\t: 1
        model name\t: Other
        flags\t\t: fpu sse2
        """
        let cpu = CPUFeatures(cpuinfo: text)
        XCTAssertEqual(cpu.modelName, "Intel(R) Xeon(R) Platinum 8480+")
        XCTAssertEqual(cpu.instructionLevel, .avx512)
        XCTAssertEqual(cpu.vectorFlags, ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq",
                                         "avx512vl", "amx_tile"])
        XCTAssertEqual(CPUFeatures(cpuinfo: "").instructionLevel, .sse)
        XCTAssertEqual(CPUFeatures(cpuinfo: "").modelName, "unknown")
    }

    func testPlanNeverOverridesTheUsersCoreTypeAndNeverLoops() {
        let fellBack = BLASCoreAssessment(coreName: "Prescott", cpu: CPUFeatures(flags: intelAMX))
        let matches = BLASCoreAssessment(coreName: "Zen", cpu: CPUFeatures(flags: epycAVX2))
        let marker = BLASCoreSelection.markerVariable
        XCTAssertEqual(BLASCoreSelection.plan(environment: [:], assessment: fellBack),
                       .tryCandidates(["SkylakeX", "Haswell", "Sandybridge"]))
        XCTAssertEqual(BLASCoreSelection.plan(environment: ["OPENBLAS_CORETYPE": ""], assessment: fellBack),
                       .tryCandidates(["SkylakeX", "Haswell", "Sandybridge"]), "an empty value is unset")
        XCTAssertEqual(BLASCoreSelection.plan(environment: ["OPENBLAS_CORETYPE": "Prescott"], assessment: fellBack),
                       .keepUserSetting)
        XCTAssertEqual(BLASCoreSelection.plan(environment: ["OPENBLAS_CORETYPE": "Prescott", marker: "SkylakeX"],
                                              assessment: fellBack), .keepUserSetting, "the user changed it after us")
        XCTAssertEqual(BLASCoreSelection.plan(environment: ["OPENBLAS_CORETYPE": "SkylakeX", marker: "SkylakeX"],
                                              assessment: fellBack), .confirmSelected(core: "SkylakeX"))
        XCTAssertEqual(BLASCoreSelection.plan(environment: [:], assessment: matches), .keep)
    }

    func testWarningNamesTheCoreTheCPUAndTheExactRemedy() {
        let cpu = CPUFeatures(modelName: "Intel Xeon", flags: intelAMX)
        let silent = BLASCore(name: "Prescott", configuration: "OpenBLAS 0.3.21 DYNAMIC_ARCH Prescott", cpu: cpu,
                              requestedCoreType: nil, selectedByMixupLab: false)
        let fellBackText = try? XCTUnwrap(silent.warning)
        XCTAssertTrue(fellBackText?.contains("fell back to its Prescott (SSE3) kernels") == true, fellBackText ?? "nil")
        XCTAssertTrue(fellBackText?.contains("OPENBLAS_CORETYPE=SkylakeX") == true, fellBackText ?? "nil")
        XCTAssertEqual(silent.openBLASVersion, "0.3.21")

        let forced = BLASCore(name: "Prescott", configuration: "", cpu: cpu, requestedCoreType: "Prescott",
                              selectedByMixupLab: false)
        XCTAssertTrue(forced.warning?.contains("OPENBLAS_CORETYPE=Prescott (set in the environment, kept)") == true)
        XCTAssertTrue(forced.warning?.contains("set OPENBLAS_CORETYPE=SkylakeX") == true)
        XCTAssertTrue(forced.description.contains("set by OPENBLAS_CORETYPE=Prescott"))

        let good = BLASCore(name: "SkylakeX", configuration: "", cpu: cpu, requestedCoreType: "SkylakeX",
                            selectedByMixupLab: true)
        XCTAssertNil(good.warning)
        XCTAssertTrue(good.description.contains("selected by mixuplab"))
    }

    func testThisProcessesGEMMsPassTheSelfCheck() {
        XCTAssertEqual(BLASSelfCheck.run(), [], "core \(BLASCore.current.name)")
        XCTAssertEqual(BLASCore.current.assessment.coreName, BLASCore.current.name)
    }
}
