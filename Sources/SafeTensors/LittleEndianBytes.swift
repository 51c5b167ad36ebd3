// Conversions between Swift arrays and the little-endian byte images the format stores.
// Every supported host (x86_64, arm64 Linux and macOS) is little-endian, so these are plain memory
// copies; a big-endian port must add byte swapping here rather than silently writing wrong files.
#if _endian(big)
#error("SafeTensors assumes a little-endian host: add byte swapping to LittleEndianBytes.swift")
#endif

/// Namespace for the raw array ⇄ byte copies used by `TensorEntry`.
enum LittleEndianBytes {
    /// The bytes of `values` in memory order, which is the file's little-endian order on supported hosts.
    static func bytes<T: BitwiseCopyable>(of values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    /// Reinterprets `bytes` (whose count must be a multiple of `T`'s size) as an array of `T`.
    static func values<T: BitwiseCopyable>(_ type: T.Type, from bytes: [UInt8]) -> [T] {
        let count = bytes.count / MemoryLayout<T>.stride
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[0..<(count * MemoryLayout<T>.stride)]))
            }
            initialized = count
        }
    }
}
