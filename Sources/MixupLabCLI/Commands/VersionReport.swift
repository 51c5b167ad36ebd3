import MixupCore

/// What `mixuplab --version` prints: the toolkit's version, the OpenBLAS core this process runs
/// (and who chose it) and the CPU's vector features, so a slow run can be traced to its kernels.
public enum VersionReport {
    /// Three lines: version; OpenBLAS version and core with its verdict; CPU model and features.
    public static var text: String {
        let core = BLASCore.current
        return """
        mixuplab \(ToolVersion.current)
        OpenBLAS \(core.openBLASVersion ?? "(version unknown)") core: \(core)
        CPU: \(core.cpu)
        """
    }
}
