#if canImport(Glibc)
import Glibc
#endif

/// The CPU's model name and instruction-set flags as the Linux kernel reports them in
/// `/proc/cpuinfo` (the flags already reflect what the OS enabled, e.g. AVX-512 state saving).
///
/// Used to judge whether OpenBLAS picked the kernels the CPU can run (see `BLASCoreAssessment`).
public struct CPUFeatures: Equatable, Sendable, CustomStringConvertible {
    /// The first processor's `model name`, or "unknown" when the file has none.
    public var modelName: String
    /// The first processor's `flags`, lower-case (e.g. `avx2`, `fma`, `avx512f`, `amx_tile`).
    public var flags: Set<String>

    /// Features from a model name and a flag list.
    public init(modelName: String = "unknown", flags: Set<String>) {
        self.modelName = modelName
        self.flags = Set(flags.map { $0.lowercased() })
    }

    /// Parses the text of `/proc/cpuinfo`: the first `model name` and the first `flags` line.
    public init(cpuinfo text: String) {
        var model = "unknown"
        var flags: Set<String>?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            if key == "model name", model == "unknown" { model = value }
            if key == "flags", flags == nil { flags = Set(value.split(separator: " ").map { String($0) }) }
            if model != "unknown", flags != nil { break }
        }
        self.init(modelName: model, flags: flags ?? [])
    }

    /// This machine's features, read once from `/proc/cpuinfo` (empty flags where it is missing).
    public static let current: CPUFeatures = {
        guard let text = readWholeFile("/proc/cpuinfo") else { return CPUFeatures(flags: []) }
        return CPUFeatures(cpuinfo: text)
    }()

    /// The widest instruction-set level OpenBLAS has kernels for that this CPU runs.
    public var instructionLevel: SIMDInstructionLevel {
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        if avx512.allSatisfy(flags.contains) { return .avx512 }
        if flags.contains("avx2") && flags.contains("fma") { return .avx2 }
        if flags.contains("avx") { return .avx }
        return .sse
    }

    /// The vector flags that matter for BLAS kernels, in a fixed order (for `--version` and headers).
    public var vectorFlags: [String] {
        let order = ["sse3", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw",
                     "avx512dq", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"]
        // The kernel lists SSE3 as "pni".
        return order.filter { $0 == "sse3" ? flags.contains("pni") || flags.contains("sse3") : flags.contains($0) }
    }

    /// `model name; flags …`, one line.
    public var description: String { "\(modelName); \(vectorFlags.joined(separator: " "))" }
}

/// Instruction-set levels of OpenBLAS's x86-64 kernel families, weakest first.
public enum SIMDInstructionLevel: Int, Comparable, Sendable, CustomStringConvertible {
    /// SSE2/SSE3 kernels (Prescott, Nehalem, Core2, …): what OpenBLAS falls back to.
    case sse = 1
    /// AVX kernels (Sandybridge, Bulldozer family).
    case avx = 2
    /// AVX2 + FMA kernels (Haswell, Zen).
    case avx2 = 3
    /// AVX-512 kernels (SkylakeX, Cooperlake, Sapphire Rapids).
    case avx512 = 4

    /// Orders levels from weakest to widest.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// "SSE3", "AVX", "AVX2+FMA" or "AVX-512".
    public var description: String {
        switch self {
        case .sse: "SSE3"
        case .avx: "AVX"
        case .avx2: "AVX2+FMA"
        case .avx512: "AVX-512"
        }
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// A whole small text file (such as `/proc/cpuinfo`, whose size `stat` reports as 0), or nil.
func readWholeFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
