import MixupCore

/// The version of mixuplab and the BLAS it runs on, as `--version` prints them and run records store them.
public enum ToolVersion {
    /// This release of the toolkit.
    public static let current = "0.15.1"

    /// The OpenBLAS kernel family this process runs (`BLASCore.current.name` from MixupCore, e.g. `Haswell`):
    /// runs on different cores may differ in the last bits.
    public static var openBLASCore: String { BLASCore.current.name }
}
