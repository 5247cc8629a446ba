import CZlib

/// A zip archive held in memory, read through its central directory (zip64 end records and extra
/// fields included). Entries may be STORED or DEFLATED; their CRC-32 is checked when they are read.
struct ZipArchive {
    /// One file of the archive, as the central directory describes it.
    struct Entry {
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    /// The whole archive.
    let bytes: UnsafeRawBufferPointer
    /// Makes the error for a problem, naming the file.
    let fail: (String) -> FormatError
    /// Entries by name.
    let entries: [String: Entry]

    private static let endSignature: UInt64 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt64 = 0x0706_4B50
    private static let zip64EndSignature: UInt64 = 0x0606_4B50
    private static let centralSignature: UInt64 = 0x0201_4B50
    private static let localSignature: UInt64 = 0x0403_4B50

    /// Reads the central directory of the archive in `bytes`.
    init(_ bytes: UnsafeRawBufferPointer, fail: @escaping (String) -> FormatError) throws {
        self.bytes = bytes
        self.fail = fail
        let (count, offset) = try ZipArchive.centralDirectory(bytes, fail: fail)
        var reader = ByteReader(bytes, at: offset, context: "zip central directory", fail: fail)
        var entries: [String: Entry] = [:]
        for _ in 0..<count {
            let entry = try ZipArchive.centralEntry(&reader)
            entries[entry.name] = entry
        }
        self.entries = entries
    }

    /// Calls `body` with the uncompressed contents of `entry`, after checking its CRC-32.
    func withContents<R>(of entry: Entry, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let name = "zip entry '\(entry.name)'"
        var header = ByteReader(bytes, at: entry.localHeaderOffset, context: "local header of \(name)", fail: fail)
        guard try header.unsigned(4) == ZipArchive.localSignature else {
            throw fail("corrupt zip: no local header for \(name) at offset \(entry.localHeaderOffset)")
        }
        try header.skip(22)
        let nameLength = Int(try header.uint16()), extraLength = Int(try header.uint16())
        try header.skip(nameLength + extraLength)
        var data = ByteReader(bytes, at: header.position, context: name, fail: fail)
        let stored = try data.take(entry.compressedSize)
        guard entry.flags & 1 == 0 else { throw fail("\(name) is encrypted") }
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw fail("\(name) is stored with \(entry.compressedSize) bytes but says it holds \(entry.size)")
            }
            try checkCRC(stored, of: entry)
            return try body(stored)
        case 8:
            let inflated = try Inflate.raw(stored, count: entry.size) { fail("\(name): \($0)") }
            return try inflated.withUnsafeBytes { contents in
                try checkCRC(contents, of: entry)
                return try body(contents)
            }
        default:
            throw fail("\(name) uses compression method \(entry.method); expected 0 (stored) or 8 (deflated)")
        }
    }

    private func checkCRC(_ contents: UnsafeRawBufferPointer, of entry: Entry) throws {
        let crc = UInt32(crc32_z(0, contents.baseAddress?.assumingMemoryBound(to: Bytef.self), contents.count))
        guard crc == entry.crc else {
            throw fail("zip entry '\(entry.name)' is corrupt: CRC-32 is \(HexText.word(crc)), "
                + "expected \(HexText.word(entry.crc))")
        }
    }

    /// The entry count and offset of the central directory, from the end record (or its zip64 form).
    private static func centralDirectory(_ bytes: UnsafeRawBufferPointer,
                                         fail: @escaping (String) -> FormatError) throws -> (Int, Int) {
        let recordLength = 22
        guard bytes.count >= recordLength else {
            throw fail("corrupt zip: \(bytes.count) bytes, too short for an end-of-central-directory record")
        }
        let lowest = max(0, bytes.count - recordLength - 0xFFFF)
        guard let start = stride(from: bytes.count - recordLength, through: lowest, by: -1).first(where: {
            bytes.loadUnaligned(fromByteOffset: $0, as: UInt32.self) == UInt32(endSignature).littleEndian
        }) else { throw fail("corrupt zip: no end-of-central-directory record") }
        var end = ByteReader(bytes, at: start + 10, context: "zip end record", fail: fail)
        let count = try end.uint16()
        let size = try end.uint32(), offset = try end.uint32()
        if count != 0xFFFF && size != 0xFFFF_FFFF && offset != 0xFFFF_FFFF { return (Int(count), Int(offset)) }

        var locator = ByteReader(bytes, at: start - 20, context: "zip64 end locator", fail: fail)
        guard start >= 20, try locator.unsigned(4) == zip64LocatorSignature else {
            throw fail("corrupt zip: the end record points to a zip64 record but there is no zip64 locator")
        }
        try locator.skip(4)
        let recordOffset = try locator.length64("zip64 end record offset")
        var record = ByteReader(bytes, at: recordOffset, context: "zip64 end record", fail: fail)
        guard try record.unsigned(4) == zip64EndSignature else {
            throw fail("corrupt zip: no zip64 end record at offset \(recordOffset)")
        }
        try record.skip(28)
        let entries = try record.length64("entry count")
        try record.skip(8)
        return (entries, try record.length64("central directory offset"))
    }

    /// Reads one central directory entry, taking sizes and offset from its zip64 extra field when
    /// they are 0xFFFFFFFF.
    private static func centralEntry(_ reader: inout ByteReader) throws -> Entry {
        let start = reader.position
        guard try reader.unsigned(4) == centralSignature else {
            throw reader.fail("corrupt zip: expected a central directory entry at offset \(start)")
        }
        try reader.skip(4)
        let flags = try reader.uint16(), method = try reader.uint16()
        try reader.skip(4)
        let crc = try reader.uint32()
        let compressedSize = try reader.uint32(), size = try reader.uint32()
        let nameLength = Int(try reader.uint16()), extraLength = Int(try reader.uint16())
        let commentLength = Int(try reader.uint16())
        try reader.skip(8)
        var sizes = [size, compressedSize, try reader.uint32()].map(UInt64.init)
        let name = String(decoding: try reader.take(nameLength), as: UTF8.self)
        let extra = try reader.take(extraLength)
        try reader.skip(commentLength)
        if sizes.contains(0xFFFF_FFFF) {
            sizes = try zip64Fields(extra, replacing: sizes, entry: name, fail: reader.fail)
        }
        let values = try sizes.map { value in
            guard let int = Int(exactly: value) else {
                throw reader.fail("zip entry '\(name)': size or offset \(value) is too large")
            }
            return int
        }
        return Entry(name: name, flags: flags, method: method, crc: crc, compressedSize: values[1],
                     size: values[0], localHeaderOffset: values[2])
    }

    /// `fields` (uncompressed size, compressed size, local header offset) with each 0xFFFFFFFF
    /// replaced, in that order, by the next 8-byte value of the zip64 extra field (ID 1).
    private static func zip64Fields(_ extra: UnsafeRawBufferPointer, replacing fields: [UInt64], entry: String,
                                    fail: @escaping (String) -> FormatError) throws -> [UInt64] {
        var reader = ByteReader(extra, context: "extra field of zip entry '\(entry)'", fail: fail)
        while reader.remaining >= 4 {
            let id = try reader.uint16(), length = Int(try reader.uint16())
            var block = ByteReader(try reader.take(length), context: "zip64 extra field of '\(entry)'", fail: fail)
            guard id == 1 else { continue }
            return try fields.map { $0 == 0xFFFF_FFFF ? try block.uint64() : $0 }
        }
        throw fail("zip entry '\(entry)' has a size or offset of 0xFFFFFFFF but no zip64 extra field")
    }
}
