/// Pointer casts from a `TensorScalar` buffer to the C kernels' `float` / `double` parameters.
///
/// Every C entry point comes as an f32 and an f64 version; a bridge picks one by `T.self ==
/// Float.self` and passes its buffers through these casts, which check that choice — a mismatch
/// (e.g. a third `TensorScalar` sent down the f64 path) stops with a message instead of reading
/// memory as the wrong type. In code specialised for Float or Double the check folds away.

/// `p` as a pointer to `U`, which must be `T` itself.
@inline(__always)
func rebound<T, U>(_ p: UnsafePointer<T>, _: U.Type) -> UnsafePointer<U> {
    precondition(T.self == U.self, "C kernel bridge: \(T.self) buffer passed as \(U.self)")
    return UnsafeRawPointer(p).assumingMemoryBound(to: U.self)
}

/// `p` as a mutable pointer to `U`, which must be `T` itself.
@inline(__always)
func rebound<T, U>(_ p: UnsafeMutablePointer<T>, _: U.Type) -> UnsafeMutablePointer<U> {
    precondition(T.self == U.self, "C kernel bridge: \(T.self) buffer passed as \(U.self)")
    return UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
}

/// The buffer's start as a pointer to `U` (nil for an empty buffer without storage).
@inline(__always)
func rebound<T, U>(_ b: UnsafeBufferPointer<T>, _: U.Type) -> UnsafePointer<U>? {
    b.baseAddress.map { rebound($0, U.self) }
}

/// The mutable buffer's start as a pointer to `U` (nil for an empty buffer without storage).
@inline(__always)
func rebound<T, U>(_ b: UnsafeMutableBufferPointer<T>, _: U.Type) -> UnsafeMutablePointer<U>? {
    b.baseAddress.map { rebound($0, U.self) }
}
