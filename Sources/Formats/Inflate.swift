import CZlib

/// Raw DEFLATE decompression (no zlib or gzip wrapper), as zip entries use it.
enum Inflate {
    /// Bytes handed to zlib per call, below its 32-bit counters.
    private static let chunk = 1 << 30
    /// DEFLATE expands by at most 1032 to 1, so a larger claimed size is corrupt (and not allocated).
    private static let maxRatio = 1032

    /// The `count` bytes that `input` inflates to; it is an error if the stream ends early, holds
    /// more data, or is corrupt. `fail` makes the error from a problem.
    static func raw(_ input: UnsafeRawBufferPointer, count: Int,
                    fail: (String) -> FormatError) throws -> [UInt8] {
        let (limit, overflow) = (input.count + 1).multipliedReportingOverflow(by: maxRatio)
        guard overflow || count <= limit else {
            throw fail("claims \(count) bytes from \(input.count) compressed bytes, more than DEFLATE can produce")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        // One spare byte shows a stream that inflates to more than `count` bytes.
        var output = [UInt8](repeating: 0, count: count + 1)
        let (status, produced) = output.withUnsafeMutableBytes { target -> (Int32, Int) in
            let source = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            let destination = target.baseAddress!.assumingMemoryBound(to: Bytef.self)
            var consumed = 0, produced = 0, status = Z_OK
            while status == Z_OK {
                let inputCount = min(chunk, input.count - consumed)
                let outputCount = min(chunk, target.count - produced)
                stream.next_in = source.map { $0 + consumed }
                stream.avail_in = uInt(inputCount)
                stream.next_out = destination + produced
                stream.avail_out = uInt(outputCount)
                status = inflate(&stream, Z_NO_FLUSH)
                consumed += inputCount - Int(stream.avail_in)
                produced += outputCount - Int(stream.avail_out)
            }
            return (status, produced)
        }
        switch status {
        case Z_STREAM_END where produced == count:
            output.removeLast()
            return output
        case Z_STREAM_END:
            throw fail("inflates to \(produced) bytes, expected \(count)")
        case Z_BUF_ERROR where produced > count:
            throw fail("inflates to more than the \(count) bytes expected")
        case Z_BUF_ERROR:
            throw fail("compressed data ends after \(produced) of \(count) bytes")
        default:
            throw fail("corrupt compressed data (zlib: \(stream.msg.map { String(cString: $0) } ?? "error \(status)"))")
        }
    }
}
