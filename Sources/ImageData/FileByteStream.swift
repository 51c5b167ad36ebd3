import CZlib
import Foundation

/// Sequential reader over a file's bytes that gunzips transparently when the file starts with the gzip magic
/// 1f 8b. Decompression is streamed through zlib's `inflate` in bounded chunks, so memory follows the bytes the
/// caller asks for, never a size claimed by a header.
final class FileByteStream {
    /// The file's path, for error messages.
    let path: String
    /// Size of the file on disk in bytes (compressed size for gzip files).
    let fileSize: Int
    /// Whether the file is gzip-compressed.
    let isGzip: Bool
    /// Number of (decompressed) bytes delivered so far.
    private(set) var position = 0

    private let file: UnsafeMutablePointer<FILE>
    private var zstream: UnsafeMutablePointer<z_stream>?
    private let inputCapacity = 1 << 18
    private var input: UnsafeMutablePointer<UInt8>?
    private var compressedRead = 0
    private var memberInProgress = false
    private var finished = false

    /// Opens `url`, sniffing the first two bytes for gzip.
    init(url: URL) throws {
        path = url.path
        guard let handle = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw ImageDataError(.io, file: path, "cannot open file: \(reason)")
        }
        file = handle
        var info = stat()
        if fstat(fileno(handle), &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG {
            fclose(handle)
            throw ImageDataError(.io, file: path, "not a regular file")
        }
        fileSize = Int(info.st_size)
        var magic: (UInt8, UInt8) = (0, 0)
        let sniffed = withUnsafeMutableBytes(of: &magic) { fread($0.baseAddress, 1, 2, handle) }
        isGzip = sniffed == 2 && magic.0 == 0x1f && magic.1 == 0x8b
        rewind(handle)
        if isGzip {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 16: maximum window, gzip wrapper only (the CRC-32 and length trailer are verified).
            let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                fclose(handle)
                throw ImageDataError(.io, file: path, "zlib inflateInit2 failed with status \(status)")
            }
            zstream = stream
            input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputCapacity)
            memberInProgress = true
        }
    }

    deinit {
        if let zstream {
            inflateEnd(zstream)
            zstream.deallocate()
        }
        input?.deallocate()
        fclose(file)
    }

    /// Byte offset in the file on disk of the next compressed byte inflate will consume.
    var compressedOffset: Int {
        guard let zstream else { return position }
        return compressedRead - Int(zstream.pointee.avail_in)
    }

    /// Fills `buffer` as far as the data allows and returns the number of bytes written; fewer than
    /// `buffer.count` only at the end of the data. Throws on I/O errors and damaged or truncated gzip streams.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let produced = isGzip ? try inflateInto(base, count: buffer.count) : try readRaw(base, count: buffer.count)
        position += produced
        return produced
    }

    private func readRaw(_ base: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var total = 0
        while total < count {
            let got = fread(base + total, 1, count - total, file)
            total += got
            if got == 0 {
                if ferror(file) != 0 {
                    throw ImageDataError(.io, file: path, byteOffset: position + total, "read failed")
                }
                break
            }
        }
        return total
    }

    /// Refills the compressed input buffer; returns false at end of file.
    private func refill(_ stream: UnsafeMutablePointer<z_stream>) throws -> Bool {
        guard let input else { return false }
        let got = fread(input, 1, inputCapacity, file)
        if got == 0 {
            if ferror(file) != 0 {
                throw ImageDataError(.io, file: path, byteOffset: compressedRead, "read failed")
            }
            return false
        }
        compressedRead += got
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(got)
        return true
    }

    private func inflateInto(_ base: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard let stream = zstream else { return 0 }
        let out = base.assumingMemoryBound(to: UInt8.self)
        var produced = 0
        while produced < count && !finished {
            if stream.pointee.avail_in == 0 {
                guard try refill(stream) else {
                    // End of file: fine between gzip members, truncation inside one.
                    if memberInProgress {
                        throw ImageDataError(.truncated, file: path, byteOffset: compressedOffset,
                                             "gzip stream ends unexpectedly after \(position + produced) decompressed bytes")
                    }
                    finished = true
                    break
                }
            }
            if !memberInProgress {
                // A further gzip member must start right here; anything else is trailing garbage.
                let next = stream.pointee.next_in.pointee
                guard next == 0x1f else {
                    throw ImageDataError(.trailingBytes, file: path, byteOffset: compressedOffset,
                                         "unexpected bytes after the end of the gzip stream")
                }
                inflateReset(stream)
                memberInProgress = true
            }
            let chunk = min(count - produced, Int(UInt32.max))
            stream.pointee.next_out = out + produced
            stream.pointee.avail_out = UInt32(chunk)
            let status = inflate(stream, Z_NO_FLUSH)
            produced += chunk - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                memberInProgress = false
            case Z_BUF_ERROR:
                // No progress possible with the current buffers; only legitimate when input ran dry.
                if stream.pointee.avail_in == 0 { continue }
                fallthrough
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw ImageDataError(.corruptCompression, file: path, byteOffset: compressedOffset,
                                     "corrupt gzip data: \(detail)")
            }
        }
        return produced
    }

    /// Reads exactly up to `count` bytes, growing the result as data actually arrives (the initial reservation
    /// is capped at `reserveLimit`), and returns fewer only when the data ends.
    func readBytes(_ count: Int, reserveLimit: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(max(0, min(count, reserveLimit)))
        let stagingSize = 1 << 20
        let staging = UnsafeMutableRawBufferPointer.allocate(byteCount: stagingSize, alignment: 16)
        defer { staging.deallocate() }
        while result.count < count {
            let want = min(stagingSize, count - result.count)
            let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: staging[0..<want]))
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: staging[0..<got]))
            if got < want { break }
        }
        return result
    }
}
