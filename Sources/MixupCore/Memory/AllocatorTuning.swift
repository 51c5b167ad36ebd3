#if canImport(Glibc)
import Glibc
#endif

/// Keeps glibc from handing freed activation buffers back to the kernel after every step.
///
/// A training step allocates and frees tens of megabytes of activations (LeNet-5 at batch 100:
/// ~20 MB). With glibc's defaults, large blocks are `mmap`ed or trimmed off the heap when freed,
/// so the next step page-faults them in again: measured on LeNet-5, 4.3k vs 9–11k samples/s.
/// Raising the mmap and trim thresholds keeps that memory in the process (it stays resident until
/// exit). The trainers and `mixuplab` call this once; call it yourself if you drive the tape in
/// your own loop. A no-op where glibc is not the allocator.
public enum AllocatorTuning {
    /// Raises glibc's M_MMAP_THRESHOLD to 256 MB and M_TRIM_THRESHOLD to 512 MB (idempotent).
    public static func retainFreedMemory() {
        #if canImport(Glibc)
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 256 << 20)
        _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 512 << 20)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `int mallopt(int param, int value)` (malloc.h is not in Swift's Glibc module map);
/// the parameter numbers are glibc's stable ABI constants.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
