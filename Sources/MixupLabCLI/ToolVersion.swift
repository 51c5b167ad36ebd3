import CBLAS

/// The version of mixuplab and the BLAS it runs on, as run records store them.
public enum ToolVersion {
    /// This release of the toolkit.
    public static let current = "0.10.0"

    /// OpenBLAS's kernel family for this CPU (`openblas_get_corename()`, e.g. `Haswell`): runs on
    /// different cores may differ in the last bits.
    public static var openBLASCore: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
