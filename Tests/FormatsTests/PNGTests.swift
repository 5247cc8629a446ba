import Foundation
import Formats
import Tensor
import Testing

@Suite("PNG")
struct PNGTests {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The chunks of `file` after checking its signature, chunk order, CRCs and IHDR fields.
    static func checkedChunks(_ file: [UInt8], width: Int, height: Int, bitDepth: Int,
                              colourType: UInt8) throws -> [PNGChunk] {
        #expect(Array(file.prefix(8)) == signature)
        let chunks = try #require(pngChunks(file))
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for chunk in chunks { #expect(chunk.storedCRC == chunk.computedCRC, "CRC of \(chunk.type)") }
        let header = chunks[0].data
        #expect(header.count == 13)
        #expect(bigEndianUInt32(header, at: 0) == UInt32(width))
        #expect(bigEndianUInt32(header, at: 4) == UInt32(height))
        #expect(Array(header[8...]) == [UInt8(bitDepth), colourType, 0, 0, 0])
        #expect(chunks[2].data.isEmpty)
        return chunks
    }

    @Test("8-bit greyscale 3×2: header, CRCs, filter bytes and samples")
    func grey8() throws {
        let samples: [UInt16] = [0, 128, 255, 1, 2, 3]
        let file = try PNG.encode(width: 3, height: 2, channels: 1, bitDepth: 8, samples: samples)
        let chunks = try Self.checkedChunks(file, width: 3, height: 2, bitDepth: 8, colourType: 0)
        #expect(inflatedImageData(chunks, expectedLength: 8) == [0, 0, 128, 255, 0, 1, 2, 3])
    }

    @Test("16-bit greyscale 3×2: samples are big-endian")
    func grey16() throws {
        let samples: [UInt16] = [0, 0x1234, 0xFFFF, 1, 0x0100, 0xABCD]
        let file = try PNG.encode(width: 3, height: 2, channels: 1, bitDepth: 16, samples: samples)
        let chunks = try Self.checkedChunks(file, width: 3, height: 2, bitDepth: 16, colourType: 0)
        let expected: [UInt8] = [0, 0x00, 0x00, 0x12, 0x34, 0xFF, 0xFF, 0, 0x00, 0x01, 0x01, 0x00, 0xAB, 0xCD]
        #expect(inflatedImageData(chunks, expectedLength: 14) == expected)
    }

    @Test("8-bit RGB 3×2: colour type 2, interleaved samples")
    func rgb8() throws {
        let samples = (0..<18).map { UInt16($0 * 10) }
        let file = try PNG.encode(width: 3, height: 2, channels: 3, bitDepth: 8, samples: samples)
        let chunks = try Self.checkedChunks(file, width: 3, height: 2, bitDepth: 8, colourType: 2)
        let rows = samples.map { UInt8($0) }
        let expected: [UInt8] = [0] + rows[0..<9] + [0] + rows[9..<18]
        #expect(inflatedImageData(chunks, expectedLength: 20) == expected)
    }

    @Test("invalid encoder arguments are rejected", arguments: [
        (1, 1, 2, 8, [UInt16](repeating: 0, count: 2), "expected 1 or 3 channels, got 2"),
        (1, 1, 1, 12, [0], "expected bit depth 8 or 16, got 12"),
        (0, 1, 1, 8, [], "expected width and height in 1...2147483647, got 0×1"),
        (2, 2, 1, 8, [0, 0, 0], "expected 2×2×1 samples, got 3"),
        (2, 1, 1, 8, [0, 256], "sample 256 does not fit in 8 bits"),
    ])
    func rejectsArguments(width: Int, height: Int, channels: Int, bitDepth: Int, samples: [UInt16],
                          message: String) throws {
        let error = try #require(throws: FormatError.self) {
            try PNG.encode(width: width, height: height, channels: channels, bitDepth: bitDepth,
                           samples: samples, name: "out.png")
        }
        #expect(error.description == "out.png: \(message)")
    }

    /// Writes with `write`, then returns the IDAT data of the file for the given IHDR fields.
    static func writtenImageData(width: Int, height: Int, bitDepth: Int, colourType: UInt8, rawLength: Int,
                                 _ write: (String) throws -> Void) throws -> [UInt8] {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/image.png"
        try write(path)
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let chunks = try checkedChunks(file, width: width, height: height, bitDepth: bitDepth,
                                       colourType: colourType)
        return try #require(inflatedImageData(chunks, expectedLength: rawLength))
    }

    @Test("writeGrey clamps to the range, maps linearly and sends NaN to 0")
    func writeGreyMapping() throws {
        let image = Tensor(shape: [2, 3], values: [-1, 0, 0.5, 1, 7, .nan])
        let data8 = try Self.writtenImageData(width: 3, height: 2, bitDepth: 8, colourType: 0, rawLength: 8) {
            try PNG.writeGrey(image, range: 0...1, to: $0)
        }
        #expect(data8 == [0, 0, 0, 128, 0, 255, 255, 0])
        let data16 = try Self.writtenImageData(width: 3, height: 2, bitDepth: 16, colourType: 0, rawLength: 14) {
            try PNG.writeGrey(image, range: -1...1, bitDepth: 16, to: $0)
        }
        let expected16: [UInt8] = [0, 0x00, 0x00, 0x80, 0x00, 0xBF, 0xFF, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00]
        #expect(data16 == expected16)
    }

    @Test("writeRGB interleaves the three planes")
    func writeRGBInterleaves() throws {
        let image = Tensor(shape: [3, 1, 2], values: [0, 255, 10, 20, 100, 200])
        let data = try Self.writtenImageData(width: 2, height: 1, bitDepth: 8, colourType: 2, rawLength: 7) {
            try PNG.writeRGB(image, range: 0...255, to: $0)
        }
        #expect(data == [0, 0, 10, 100, 255, 20, 200])
    }

    @Test("the writers reject bad images, ranges and paths, naming the file")
    func writerErrors() throws {
        let square = Tensor(shape: [2, 2])
        let cases: [(String, () throws -> Void)] = [
            ("expected a [H, W] image, got shape [1, 2, 2]",
             { try PNG.writeGrey(Tensor(shape: [1, 2, 2]), range: 0...1, to: "a.png") }),
            ("expected a [3, H, W] image, got shape [2, 2]", { try PNG.writeRGB(square, range: 0...1, to: "a.png") }),
            ("expected a finite display range with lower < upper, got 1.0...1.0",
             { try PNG.writeGrey(square, range: 1...1, to: "a.png") }),
            ("expected bit depth 8 or 16, got 4", { try PNG.writeGrey(square, range: 0...1, bitDepth: 4, to: "a.png") }),
            ("expected width and height in 1...2147483647, got 0×2",
             { try PNG.writeGrey(Tensor(shape: [2, 0]), range: 0...1, to: "a.png") }),
        ]
        for (message, write) in cases {
            let error = try #require(throws: FormatError.self) { try write() }
            #expect(error.description == "a.png: \(message)")
        }
        let error = try #require(throws: FormatError.self) {
            try PNG.writeGrey(square, range: 0...1, to: "/nonexistent-dir/b.png")
        }
        #expect(error.description == "/nonexistent-dir/b.png: cannot create a file in its folder (No such file or directory)")
    }
}
