import CZlib
import Foundation
import Formats

/// A fresh empty directory under the system temporary directory.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("FormatsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// The bytes of a `.npy` file built by hand: magic, version, little-endian header length (2 bytes
/// for version 1, 4 otherwise), the header text and the data.
func npyFile(version: UInt8 = 1, header: String, data: [UInt8]) -> [UInt8] {
    let text = Array(header.utf8)
    let lengthBytes = version == 1 ? 2 : 4
    let length = (0..<lengthBytes).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) }
    return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + text + data
}

/// A header as numpy ≥ 1.23 writes it for a float32 C-order array: the dict, 21 minus the digits of
/// the first extent spaces, then spaces and a newline up to a multiple of 64 bytes of file.
func numpyHeader(descr: String = "<f4", fortranOrder: Bool = false, shape: String, firstExtentDigits: Int,
                 preambleLength: Int = 10) -> String {
    let dict = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shape), }"
        + String(repeating: " ", count: 21 - firstExtentDigits)
    let padding = 64 - (preambleLength + dict.utf8.count + 1) % 64
    return dict + String(repeating: " ", count: padding) + "\n"
}

/// Little-endian bytes of float32 values.
func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
}

/// Little-endian bytes of float64 values.
func float64Bytes(_ values: [Double]) -> [UInt8] {
    values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
}

/// The bitwise CRC-32 of PNG (ISO 3309, reflected polynomial 0xEDB88320), independent of zlib.
func bitwiseCRC32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// One chunk of a PNG file.
struct PNGChunk {
    let type: String
    let data: [UInt8]
    let storedCRC: UInt32
    /// The CRC recomputed over type and data.
    var computedCRC: UInt32 { bitwiseCRC32(Array(type.utf8) + data) }
}

/// Reads a big-endian UInt32 at `offset`.
func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
}

/// The chunks after the 8-byte signature, or nil if the file does not split cleanly into chunks.
func pngChunks(_ file: [UInt8]) -> [PNGChunk]? {
    var chunks: [PNGChunk] = []
    var offset = 8
    while offset < file.count {
        guard offset + 12 <= file.count else { return nil }
        let length = Int(bigEndianUInt32(file, at: offset))
        guard offset + 12 + length <= file.count else { return nil }
        let type = String(decoding: file[offset + 4..<offset + 8], as: UTF8.self)
        let data = Array(file[offset + 8..<offset + 8 + length])
        chunks.append(PNGChunk(type: type, data: data, storedCRC: bigEndianUInt32(file, at: offset + 8 + length)))
        offset += 12 + length
    }
    return chunks
}

/// The concatenated IDAT data inflated with zlib's `uncompress`, or nil if it is not a valid
/// zlib stream of exactly `expectedLength` bytes.
func inflatedImageData(_ chunks: [PNGChunk], expectedLength: Int) -> [UInt8]? {
    let compressed = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
    var output = [UInt8](repeating: 0, count: expectedLength + 1)
    var length = uLong(output.count)
    guard uncompress(&output, &length, compressed, uLong(compressed.count)) == Z_OK,
          Int(length) == expectedLength else { return nil }
    return Array(output.prefix(expectedLength))
}
