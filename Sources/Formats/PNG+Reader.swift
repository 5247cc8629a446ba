import CZlib
import FoundationEssentials
import Tensor

extension PNG {
    /// Reads the PNG file at `path` as a `[1, C, H, W]` tensor with values in [0, 1]: C is 1 for
    /// greyscale and 3 for RGB or palette images; alpha is dropped. All standard colour types and
    /// bit depths, all five row filters and Adam7 interlacing are supported.
    public static func read(path: String) throws -> Tensor {
        try FileIO.read(path).withUnsafeBytes { try decode($0, name: path) }
    }

    /// Decodes the bytes of a PNG file as `read(path:)` does; `name` is the file name that errors
    /// report, `memory` the budget the declared size must fit in (default: `MemoryBudget.current()`).
    public static func decode(_ bytes: [UInt8], name: String, memory: MemoryBudget? = nil) throws -> Tensor {
        try bytes.withUnsafeBytes { try decode($0, name: name, memory: memory) }
    }

    /// Decodes the PNG file held in `bytes`; `name` is the file name that errors report. The size
    /// IHDR declares is checked against `memory` before anything of that size is allocated.
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String, memory: MemoryBudget? = nil) throws -> Tensor {
        let fail = { (problem: String) in FormatError(file: name, problem) }
        let file = try PNGChunks(bytes, fail: fail)
        let image = try PNGImage(header: file.header, palette: file.palette, fail: fail)
        try checkRatio(file.imageData, count: image.rawCount, fail: fail)
        try image.requireMemory(try memory ?? MemoryBudget.current())
        return try image.pixels(fromRaw: inflated(file.imageData, count: image.rawCount, fail: fail))
    }

    /// DEFLATE expands by at most 1032 to 1, so a larger claimed size is corrupt (and not allocated).
    private static let maxInflateRatio = 1032

    /// Throws when `count` bytes are more than the zlib stream `compressed` can inflate to.
    private static func checkRatio(_ compressed: [UInt8], count: Int, fail: (String) -> FormatError) throws {
        let (limit, overflow) = (compressed.count + 1).multipliedReportingOverflow(by: maxInflateRatio)
        guard overflow || count <= limit else {
            throw fail("IHDR calls for \(count) bytes of image data, more than the \(compressed.count) "
                + "compressed bytes of IDAT can hold")
        }
    }

    /// The `count` bytes that the zlib stream `compressed` inflates to (zlib's `uncompress`, which
    /// also checks the stream's Adler-32).
    private static func inflated(_ compressed: [UInt8], count: Int, fail: (String) -> FormatError) throws -> [UInt8] {
        // One spare byte shows a stream that inflates to more than `count` bytes.
        var output = [UInt8](repeating: 0, count: count + 1)
        var produced = uLong(output.count)
        let status = uncompress(&output, &produced, compressed, uLong(compressed.count))
        switch status {
        case Z_OK where Int(produced) == count:
            output.removeLast()
            return output
        case Z_OK where Int(produced) < count:
            throw fail("IDAT data inflates to \(produced) bytes, expected \(count) for the size in IHDR")
        case Z_OK, Z_BUF_ERROR:
            throw fail("IDAT data inflates to more than the \(count) bytes expected for the size in IHDR")
        default:
            throw fail("IDAT data is not a complete zlib stream (zlib status \(status))")
        }
    }
}

/// The chunks of a PNG file that decoding needs, after checking the signature, the chunk layout and
/// every CRC.
struct PNGChunks {
    /// The 13 bytes of IHDR.
    private(set) var header: [UInt8] = []
    /// The RGB triples of PLTE, if present.
    private(set) var palette: [UInt8]?
    /// The data of every IDAT chunk, concatenated.
    private(set) var imageData: [UInt8] = []

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads the chunks of the PNG file `bytes` up to IEND; `fail` makes the error from a problem.
    init(_ bytes: UnsafeRawBufferPointer, fail: (String) -> FormatError) throws {
        guard bytes.starts(with: Self.signature) else {
            let found = bytes.isEmpty ? "an empty file" : Self.hex(bytes.prefix(8))
            throw fail("expected the PNG signature \(Self.hex(Self.signature)), found \(found)")
        }
        var offset = Self.signature.count, sawIDAT = false
        while true {
            guard bytes.count - offset >= 8 else {
                throw fail("truncated: expected a chunk header (8 bytes) at offset \(offset), found "
                    + "\(bytes.count - offset) bytes; the file must end with IEND")
            }
            let length = Self.bigEndian(bytes, at: offset), typeBytes = Array(bytes[offset + 4..<offset + 8])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0 & ~0x20) }) else {
                throw fail("expected a chunk type of four ASCII letters at offset \(offset + 4), found "
                    + Self.hex(typeBytes))
            }
            guard length <= Int(Int32.max), length + 4 <= bytes.count - offset - 8 else {
                throw fail("chunk '\(type)' at offset \(offset) is truncated: expected \(length) data bytes "
                    + "and a CRC, found \(bytes.count - offset - 8) bytes")
            }
            let body = UnsafeRawBufferPointer(rebasing: bytes[offset + 4..<offset + 8 + length])
            let data = Array(body.dropFirst(4))
            let stored = Self.bigEndian(bytes, at: offset + 8 + length)
            let computed = Int(crc32(0, body.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(body.count)))
            guard stored == computed else {
                throw fail("CRC mismatch in chunk '\(type)' at offset \(offset): stored "
                    + "\(Self.hex32(stored)), computed \(Self.hex32(computed))")
            }
            guard offset > Self.signature.count || type == "IHDR" else {
                throw fail("expected IHDR as the first chunk, found '\(type)'")
            }
            switch type {
            case "IHDR" where offset == Self.signature.count: header = data
            case "PLTE" where palette == nil && !sawIDAT: palette = data
            case "IDAT":
                sawIDAT = true
                imageData += data
            case "IEND":
                guard sawIDAT else { throw fail("expected at least one IDAT chunk before IEND, found none") }
                return
            // Bit 5 of the first letter is clear for critical chunks, which a decoder must understand.
            case _ where typeBytes[0] & 0x20 == 0:
                throw fail("unexpected critical chunk '\(type)' at offset \(offset)")
            default: break
            }
            offset += 12 + length
        }
    }

    /// The big-endian 32-bit integer at `offset`.
    private static func bigEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
    }

    private static func hex32(_ value: Int) -> String {
        "0x" + String(value, radix: 16, uppercase: true).leftPadded(to: 8)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(width - count, 0)) + self }
}
