import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The body of the running harness (libFuzzer's callback is a C function and cannot capture it).
nonisolated(unsafe) private var currentBody: ((UnsafeRawBufferPointer) -> Void)?

/// Hands the process to libFuzzer with `body` as the per-input test. A harness calls this from its
/// `@_cdecl("<Target>_main")` entry, the symbol SwiftPM aliases to `main` for an executable target; libFuzzer's own
/// `main` cannot be used because SwiftPM links every executable with `--defsym main=<Target>_main`.
public func runFuzzer(argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ body: @escaping (UnsafeRawBufferPointer) -> Void) -> CInt {
    currentBody = body
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        currentBody?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}

/// Stops the fuzzer with a finding when a parser's successful result breaks a stated invariant: a wrong answer is a
/// bug as much as a crash, and `fatalError` makes libFuzzer save the input as a crash artifact.
public func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("invariant violated: \(message())", file: file, line: line) }
}

/// Checks that a thrown error explains itself: a non-empty description that is not a raw Foundation or decoding
/// dump, so a user sees the file and the cause rather than `NSCocoaErrorDomain Code=…`.
public func checkErrorMessage(_ error: Error, file: StaticString = #fileID, line: UInt = #line) {
    let text = String(describing: error)
    invariant(!text.isEmpty, "empty error description for \(type(of: error))", file: file, line: line)
    invariant(!text.hasPrefix("Error Domain="), "raw Foundation error: \(text)", file: file, line: line)
}
