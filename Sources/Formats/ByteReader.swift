/// A cursor over bytes in memory that reads little-endian integers and byte runs, throwing instead
/// of reading past the end.
struct ByteReader {
    /// The bytes read.
    let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    var position: Int
    /// What the bytes are, for error messages (e.g. `central directory`).
    let context: String
    /// Makes the error for a problem, naming the file.
    let fail: (String) -> FormatError

    /// A reader of `bytes` starting at `position`; `context` names the structure in error messages.
    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0, context: String,
         fail: @escaping (String) -> FormatError) {
        self.bytes = bytes
        self.position = position
        self.context = context
        self.fail = fail
    }

    /// Bytes left after `position`.
    var remaining: Int { bytes.count - position }

    /// The next `count` bytes, which stay owned by the buffer.
    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, position >= 0, count <= remaining else {
            throw fail("\(context) is truncated: expected \(count) bytes at offset \(position), "
                + "found \(max(remaining, 0))")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    /// Skips `count` bytes.
    mutating func skip(_ count: Int) throws { _ = try take(count) }

    /// The next `size` bytes as a little-endian unsigned integer (`size` ≤ 8).
    mutating func unsigned(_ size: Int) throws -> UInt64 {
        let run = try take(size)
        return run.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The next byte.
    mutating func uint8() throws -> UInt8 { UInt8(try unsigned(1)) }
    /// The next two bytes, little-endian.
    mutating func uint16() throws -> UInt16 { UInt16(try unsigned(2)) }
    /// The next four bytes, little-endian.
    mutating func uint32() throws -> UInt32 { UInt32(try unsigned(4)) }
    /// The next eight bytes, little-endian.
    mutating func uint64() throws -> UInt64 { try unsigned(8) }

    /// The next eight bytes, little-endian, as a non-negative `Int`; `what` names the field.
    mutating func length64(_ what: String) throws -> Int {
        let value = try uint64()
        guard let length = Int(exactly: value) else {
            throw fail("\(context): \(what) \(value) is too large")
        }
        return length
    }
}
