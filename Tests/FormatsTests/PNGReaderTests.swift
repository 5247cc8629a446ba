import CZlib
import Foundation
import Formats
import Tensor
import Testing

/// PNG files built by hand for the reader tests: IHDR fields, an optional palette, and the raw image
/// data (each row a filter-type byte and the filtered bytes), zlib-compressed into one IDAT.
private struct HandMadePNG {
    var header: [UInt8]
    var palette: [UInt8]?
    var raw: [UInt8]

    init(width: Int, height: Int, bitDepth: Int, colourType: Int, interlaced: Bool = false,
         palette: [UInt8]? = nil, raw: [UInt8]) {
        header = Self.bigEndian(width) + Self.bigEndian(height) + [UInt8(bitDepth), UInt8(colourType), 0, 0,
                                                                     interlaced ? 1 : 0]
        self.palette = palette
        self.raw = raw
    }

    /// Signature, IHDR, PLTE if any, one IDAT and IEND.
    var file: [UInt8] { Self.file(chunks: chunks) }

    /// The chunks of `file`: type and data.
    var chunks: [(String, [UInt8])] {
        [("IHDR", header)] + (palette.map { [("PLTE", $0)] } ?? []) + [("IDAT", Self.compressed(raw)), ("IEND", [])]
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The signature followed by `chunks`, each given as type and data.
    static func file(chunks: [(String, [UInt8])]) -> [UInt8] {
        signature + chunks.flatMap { chunk($0.0, $0.1) }
    }

    /// Length, type, data and CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(data.count) + body + bigEndian(Int(bitwiseCRC32(body)))
    }

    /// The low 32 bits of `value`, big-endian.
    static func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// `data` as a zlib stream, from zlib's `compress`.
    static func compressed(_ data: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        precondition(compress(&output, &length, data, uLong(data.count)) == Z_OK)
        return Array(output.prefix(Int(length)))
    }
}

/// An independent encoder for the property tests: samples packed and filtered as the PNG spec
/// describes, optionally in the seven Adam7 passes.
private enum ReferenceEncoder {
    static let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                        (0, 1, 1, 2)]

    /// The raw image data for `samples` (pixel by pixel, `perPixel` samples each), filtering each
    /// row with the next type that `filterType` gives.
    static func raw(_ samples: [Int], width: Int, height: Int, perPixel: Int, bitDepth: Int, interlaced: Bool,
                    filterType: () -> UInt8) -> [UInt8] {
        var raw: [UInt8] = []
        for (x0, y0, dx, dy) in interlaced ? adam7 : [(0, 0, 1, 1)] {
            let columns = Array(stride(from: x0, to: width, by: dx))
            guard !columns.isEmpty else { continue }
            var above: [UInt8]?
            for y in stride(from: y0, to: height, by: dy) {
                let pixels = columns.map { y * width + $0 }
                let row = packed(pixels.flatMap { samples[$0 * perPixel..<($0 + 1) * perPixel] }, bitDepth: bitDepth)
                let type = filterType()
                raw += [type] + filtered(row, above: above ?? [UInt8](repeating: 0, count: row.count), type: type,
                                         bytesPerPixel: max(perPixel * bitDepth / 8, 1))
                above = row
            }
        }
        return raw
    }

    /// Samples packed into bytes: 1, 2 or 4 bits from the high bits down, one byte, or two bytes big-endian.
    static func packed(_ samples: [Int], bitDepth: Int) -> [UInt8] {
        if bitDepth == 16 { return samples.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        var bytes = [UInt8](repeating: 0, count: (samples.count * bitDepth + 7) / 8)
        for (index, sample) in samples.enumerated() {
            let bit = index * bitDepth
            bytes[bit / 8] |= UInt8(sample << (8 - bitDepth - bit % 8))
        }
        return bytes
    }

    /// `row` filtered with filter `type`, given the unfiltered row above it.
    static func filtered(_ row: [UInt8], above: [UInt8], type: UInt8, bytesPerPixel: Int) -> [UInt8] {
        row.indices.map { index in
            let a = index >= bytesPerPixel ? Int(row[index - bytesPerPixel]) : 0, b = Int(above[index])
            let c = index >= bytesPerPixel ? Int(above[index - bytesPerPixel]) : 0
            let predictor: Int
            switch type {
            case 0: predictor = 0
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            default:
                let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
            }
            return UInt8(truncatingIfNeeded: Int(row[index]) - predictor)
        }
    }
}

@Suite("PNG reader")
struct PNGReaderTests {
    /// Every valid pair of colour type and bit depth.
    static let formats = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
                          (4, 8), (4, 16), (6, 8), (6, 16)]

    /// Each value divided by `top` in Float32, as the reader scales samples.
    static func scaled(_ values: [Int], _ top: Int) -> [Float] { values.map { Float($0) / Float(top) } }

    @Test("greyscale and RGB from PNG.encode read back as value / 255 or / 65535",
          arguments: [(1, 8), (1, 16), (3, 8), (3, 16)])
    func roundTrip(channels: Int, bitDepth: Int) throws {
        let (width, height, top) = (7, 5, (1 << bitDepth) - 1)
        var generator = SplitMix64(seed: UInt64(channels * bitDepth))
        let samples = (0..<width * height * channels).map { _ in UInt16(generator.next() % UInt64(top + 1)) }
        let file = try PNG.encode(width: width, height: height, channels: channels, bitDepth: bitDepth,
                                  samples: samples)
        let image = try PNG.decode(file, name: "round.png")
        #expect(image.shape == [1, channels, height, width])
        let planar = (0..<channels).flatMap { colour in
            (0..<width * height).map { Int(samples[$0 * channels + colour]) }
        }
        #expect(image.scalars == Self.scaled(planar, top))
    }

    @Test("read(path:) reads a file that writeRGB wrote, and names a missing file")
    func readsFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rgb.png"
        try PNG.writeRGB(Tensor(shape: [3, 1, 2], values: [0, 255, 10, 20, 100, 200]), range: 0...255, to: path)
        #expect(try PNG.read(path: path).scalars == Self.scaled([0, 255, 10, 20, 100, 200], 255))
        let missing = directory + "/missing.png"
        let error = try #require(throws: FormatError.self) { try PNG.read(path: missing) }
        #expect(error.description.hasPrefix("\(missing): cannot read file ("))
    }

    @Test("rows filtered with None, Sub, Up, Average and Paeth, worked out by hand (RGB, 3 bytes per pixel)")
    func filtersByHand() throws {
        let pixels: [[Int]] = [[10, 20, 30, 40, 50, 60], [15, 25, 35, 5, 255, 0], [100, 0, 200, 50, 60, 70],
                               [120, 130, 140, 150, 160, 170], [90, 125, 3, 250, 128, 7]]
        // Paeth's last row picks above (first pixel), then upper-left, above and left.
        let raw: [UInt8] = [0, 10, 20, 30, 40, 50, 60, 1, 15, 25, 35, 246, 230, 221, 2, 85, 231, 165, 45, 61, 70,
                            3, 70, 130, 40, 65, 65, 65, 4, 226, 251, 119, 130, 224, 4]
        let file = HandMadePNG(width: 2, height: 5, bitDepth: 8, colourType: 2, raw: raw).file
        let image = try PNG.decode(file, name: "filters.png")
        #expect(image.shape == [1, 3, 5, 2])
        let planar = (0..<3).flatMap { colour in pixels.flatMap { [$0[colour], $0[3 + colour]] } }
        #expect(image.scalars == Self.scaled(planar, 255))
    }

    @Test("1-, 2- and 4-bit greyscale, padding bits ignored", arguments: [
        (1, 10, [0, 0xAC, 0xFF, 0, 0x00, 0x40] as [UInt8],
         [1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        (2, 3, [0, 0x1B, 0, 0xE4], [0, 1, 2, 3, 2, 1]),
        (4, 3, [0, 0x0F, 0x7A, 0, 0x81, 0xE5], [0, 15, 7, 8, 1, 14]),
    ])
    func lowBitGrey(bitDepth: Int, width: Int, raw: [UInt8], values: [Int]) throws {
        let file = HandMadePNG(width: width, height: 2, bitDepth: bitDepth, colourType: 0, raw: raw).file
        let image = try PNG.decode(file, name: "grey.png")
        #expect(image.shape == [1, 1, 2, width])
        #expect(image.scalars == Self.scaled(values, (1 << bitDepth) - 1))
    }

    @Test("palette images of 1, 2, 4 and 8 bits expand through PLTE", arguments: [
        (1, 9, [0, 0xA5, 0x80] as [UInt8], [1, 0, 1, 0, 0, 1, 0, 1, 1]),
        (2, 3, [0, 0x1B], [0, 1, 2]),
        (4, 3, [2, 0x3A, 0x00], [3, 10, 0]),
        (8, 2, [0, 11, 4], [11, 4]),
    ])
    func palette(bitDepth: Int, width: Int, raw: [UInt8], indices: [Int]) throws {
        let colours: [[UInt8]] = (0..<min(12, 1 << bitDepth)).map { (entry: Int) in
            [UInt8(entry * 20), UInt8(255 - entry), UInt8(entry * entry)]
        }
        let file = HandMadePNG(width: width, height: 1, bitDepth: bitDepth, colourType: 3,
                               palette: colours.flatMap { $0 }, raw: raw).file
        let image = try PNG.decode(file, name: "palette.png")
        #expect(image.shape == [1, 3, 1, width])
        let planar = (0..<3).flatMap { colour in indices.map { Int(colours[$0][colour]) } }
        #expect(image.scalars == Self.scaled(planar, 255))
    }

    @Test("alpha is dropped from grey + alpha and RGBA, 8 and 16 bits", arguments: [
        (4, 8, [0, 10, 255, 200, 0] as [UInt8], [10, 200]),
        (4, 16, [0, 0x12, 0x34, 0xFF, 0xFF, 0xAB, 0xCD, 0, 0], [0x1234, 0xABCD]),
        (6, 8, [0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 5, 2, 6, 3, 7]),
        (6, 16, [0, 0, 1, 0, 2, 0, 3, 0, 4, 1, 5, 1, 6, 1, 7, 1, 8], [1, 0x105, 2, 0x106, 3, 0x107]),
    ])
    func alpha(colourType: Int, bitDepth: Int, raw: [UInt8], planar: [Int]) throws {
        let file = HandMadePNG(width: 2, height: 1, bitDepth: bitDepth, colourType: colourType, raw: raw).file
        let image = try PNG.decode(file, name: "alpha.png")
        #expect(image.shape == [1, colourType == 4 ? 1 : 3, 1, 2])
        #expect(image.scalars == Self.scaled(planar, (1 << bitDepth) - 1))
    }

    @Test("Adam7: a 5×5 image laid out in its seven passes by hand")
    func interlacedByHand() throws {
        // Pixel (x, y) is 10y + x; each pass lists its rows, filter type 0 first.
        let raw: [UInt8] = [0, 0] + [0, 4] + [0, 40, 44] + [0, 2, 0, 42] + [0, 20, 22, 24]
            + [0, 1, 3, 0, 21, 23, 0, 41, 43] + [0, 10, 11, 12, 13, 14, 0, 30, 31, 32, 33, 34]
        let file = HandMadePNG(width: 5, height: 5, bitDepth: 8, colourType: 0, interlaced: true, raw: raw).file
        let image = try PNG.decode(file, name: "adam7.png")
        #expect(image.shape == [1, 1, 5, 5])
        #expect(image.scalars == Self.scaled((0..<25).map { 10 * ($0 / 5) + $0 % 5 }, 255))
    }

    @Test("every format, plain and interlaced, with random filters decodes to the samples",
          arguments: formats)
    func everyFormat(colourType: Int, bitDepth: Int) throws {
        let perPixel = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colourType]!, top = (1 << bitDepth) - 1
        var generator = SplitMix64(seed: UInt64(10 * colourType + bitDepth))
        for (width, height) in [(1, 1), (3, 7), (9, 10), (17, 5)] {
            for interlaced in [false, true] {
                let entries = colourType == 3 ? min(top + 1, 200) : 0
                let palette = (0..<3 * entries).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                let bound = UInt64(colourType == 3 ? entries : top + 1)
                let samples = (0..<width * height * perPixel).map { _ in Int(generator.next() % bound) }
                let raw = ReferenceEncoder.raw(samples, width: width, height: height, perPixel: perPixel,
                                               bitDepth: bitDepth, interlaced: interlaced) {
                    UInt8(generator.next() % 5)
                }
                let file = HandMadePNG(width: width, height: height, bitDepth: bitDepth, colourType: colourType,
                                       interlaced: interlaced, palette: colourType == 3 ? palette : nil,
                                       raw: raw).file
                let channels = colourType == 0 || colourType == 4 ? 1 : 3
                let expected: [Float] = (0..<channels).flatMap { colour in
                    (0..<width * height).map { pixel in
                        colourType == 3 ? Float(palette[3 * samples[pixel] + colour]) / 255
                            : Float(samples[pixel * perPixel + colour]) / Float(top)
                    }
                }
                let image = try PNG.decode(file, name: "random.png")
                #expect(image.shape == [1, channels, height, width])
                #expect(image.scalars == expected, "\(width)×\(height), interlaced: \(interlaced)")
            }
        }
    }

    @Test("several IDAT chunks (one empty) are concatenated, and ancillary chunks skipped")
    func splitData() throws {
        let image = HandMadePNG(width: 2, height: 2, bitDepth: 8, colourType: 0, raw: [0, 1, 2, 1, 3, 4])
        let data = HandMadePNG.compressed(image.raw)
        let pieces = [("IHDR", image.header), ("tEXt", Array("Title\0x".utf8)), ("IDAT", Array(data.prefix(3))),
                      ("IDAT", []), ("IDAT", Array(data.dropFirst(3).prefix(1))), ("IDAT", Array(data.dropFirst(4))),
                      ("tIME", [7, 233, 1, 2, 3, 4, 5]), ("IEND", [])]
        let decoded = try PNG.decode(HandMadePNG.file(chunks: pieces), name: "split.png")
        #expect(decoded.scalars == Self.scaled([1, 2, 3, 7], 255))
    }
}

extension PNGReaderTests {
    @Suite("PNG reader errors")
    struct Errors {
        private static let grey = HandMadePNG(width: 2, height: 2, bitDepth: 8, colourType: 0,
                                              raw: [0, 1, 2, 0, 3, 4])

        /// The 2×2 greyscale file after `change`.
        private static func with(_ change: (inout HandMadePNG) -> Void) -> [UInt8] {
            var image = grey
            change(&image)
            return image.file
        }

        /// IHDR data for the given fields, not interlaced.
        static func ihdr(width: Int = 2, height: Int = 2, bitDepth: Int = 8, colourType: Int = 0) -> [UInt8] {
            HandMadePNG(width: width, height: height, bitDepth: bitDepth, colourType: colourType, raw: []).header
        }

        @Test("damaged or unsupported files throw one-line errors naming the file and what was expected")
        func messages() throws {
            let file = Self.grey.file, idatLength = HandMadePNG.compressed(Self.grey.raw).count
            var badCRC = file
            badCRC[20] ^= 1
            let crcs = (Int(bigEndianUInt32(badCRC, at: 29)), Int(bitwiseCRC32(badCRC[12..<29])))
            let huge = Int(Int32.max), hugeRaw = HandMadePNG.compressed([0, 0])
            let cases: [([UInt8], String)] = [
                (Array(file.prefix(7)) + [0x0B] + file.dropFirst(8),
                 "expected the PNG signature 89 50 4E 47 0D 0A 1A 0A, found 89 50 4E 47 0D 0A 1A 0B"),
                ([], "expected the PNG signature 89 50 4E 47 0D 0A 1A 0A, found an empty file"),
                (Array(file.dropLast(12)),
                 "truncated: expected a chunk header (8 bytes) at offset \(file.count - 12), found 0 bytes; "
                    + "the file must end with IEND"),
                (Array(file.prefix(43)),
                 "chunk 'IDAT' at offset 33 is truncated: expected \(idatLength) data bytes and a CRC, found 2 bytes"),
                (badCRC, "CRC mismatch in chunk 'IHDR' at offset 8: stored 0x\(String(format: "%08X", crcs.0)), "
                    + "computed 0x\(String(format: "%08X", crcs.1))"),
                (HandMadePNG.file(chunks: Array(Self.grey.chunks.dropFirst())),
                 "expected IHDR as the first chunk, found 'IDAT'"),
                (HandMadePNG.file(chunks: [("IHDR", Self.grey.header), ("IEND", [])]),
                 "expected at least one IDAT chunk before IEND, found none"),
                (HandMadePNG.file(chunks: [("IHDR", Self.grey.header), ("ABCD", [])] + Self.grey.chunks.dropFirst()),
                 "unexpected critical chunk 'ABCD' at offset 33"),
                (Array(file.prefix(39)) + [0] + file.dropFirst(40),
                 "expected a chunk type of four ASCII letters at offset 37, found 49 44 00 54"),
                (Self.with { $0.header = Self.ihdr(bitDepth: 4, colourType: 2) },
                 "unsupported bit depth 4 for colour type 2: expected one of 8, 16"),
                (Self.with { $0.header = Self.ihdr(bitDepth: 16, colourType: 3) },
                 "unsupported bit depth 16 for colour type 3: expected one of 1, 2, 4, 8"),
                (Self.with { $0.header = Self.ihdr(bitDepth: 3) },
                 "unsupported bit depth 3 for colour type 0: expected one of 1, 2, 4, 8, 16"),
                (Self.with { $0.header = Self.ihdr(colourType: 5) }, "expected colour type 0, 2, 3, 4 or 6, found 5"),
                (Self.with { $0.header = Self.ihdr(width: 0) },
                 "expected width and height in 1...2147483647, found 0×2"),
                (Self.with { $0.header.removeLast() }, "expected an IHDR of 13 bytes, found 12"),
                (Self.with { $0.header[12] = 2 },
                 "expected compression method 0, filter method 0 and interlace method 0 or 1, found 0, 0 and 2"),
                (Self.with { $0.raw.removeLast() }, "IDAT data inflates to 5 bytes, expected 6 for the size in IHDR"),
                (Self.with { $0.raw.append(0) },
                 "IDAT data inflates to more than the 6 bytes expected for the size in IHDR"),
                (Self.with { $0.raw += [UInt8](repeating: 0, count: 100) },
                 "IDAT data inflates to more than the 6 bytes expected for the size in IHDR"),
                (HandMadePNG.file(chunks: [("IHDR", Self.grey.header),
                                           ("IDAT", Array(HandMadePNG.compressed(Self.grey.raw).dropLast(4))),
                                           ("IEND", [])]),
                 "IDAT data is not a complete zlib stream (zlib status -3)"),
                (HandMadePNG.file(chunks: [("IHDR", Self.grey.header), ("IDAT", [1, 2, 3]), ("IEND", [])]),
                 "IDAT data is not a complete zlib stream (zlib status -3)"),
                (HandMadePNG.file(chunks: [("IHDR", Self.ihdr(width: huge, height: huge, bitDepth: 16)),
                                           ("IDAT", hugeRaw), ("IEND", [])]),
                 "IHDR calls for 9223372030412324865 bytes of image data, more than the \(hugeRaw.count) compressed "
                    + "bytes of IDAT can hold"),
                (Self.with { $0.header = Self.ihdr(width: huge, height: huge, bitDepth: 16, colourType: 6) },
                 "image of 2147483647×2147483647 pixels is too large"),
                (Self.with { $0.raw[3] = 5 }, "expected filter type 0 to 4 on row 1, found 5"),
                (Self.with { $0.header[12] = 1; $0.raw = [0, 1, 7, 2, 0, 3, 4] },
                 "expected filter type 0 to 4 on row 0 of Adam7 pass 6, found 7"),
                (Self.with {
                    $0.header = Self.ihdr(colourType: 3)
                    $0.palette = [1, 2, 3, 4, 5, 6]
                    $0.raw = [0, 1, 0, 0, 1, 2]
                 },
                 "palette index 2 at pixel (1, 1) is out of range for the 2-entry PLTE"),
                (Self.with { $0.header = Self.ihdr(colourType: 3) },
                 "expected a PLTE chunk before IDAT for colour type 3, found none"),
                (Self.with { $0.header = Self.ihdr(colourType: 3); $0.palette = [1, 2, 3, 4] },
                 "expected a PLTE of 1 to 256 RGB entries, found 4 bytes"),
            ]
            for (bytes, message) in cases {
                let error = try #require(throws: FormatError.self, "\(message)") {
                    try PNG.decode(bytes, name: "bad.png")
                }
                #expect(error.description == "bad.png: \(message)")
            }
        }
    }
}

extension PNGReaderTests {
    @Suite("PNG reader on damaged files")
    struct Fuzz {
        /// Small valid images: interlaced 16-bit RGB, 2-bit palette, 1-bit grey, and RGBA, all with random filters.
        private static let images: [HandMadePNG] = {
            var generator = SplitMix64(seed: 99)
            func image(_ width: Int, _ height: Int, _ bitDepth: Int, _ colourType: Int, perPixel: Int, bound: Int,
                       interlaced: Bool = false, palette: [UInt8]? = nil) -> HandMadePNG {
                let samples = (0..<width * height * perPixel).map { _ in Int(generator.next() % UInt64(bound)) }
                let raw = ReferenceEncoder.raw(samples, width: width, height: height, perPixel: perPixel,
                                               bitDepth: bitDepth, interlaced: interlaced) {
                    UInt8(generator.next() % 5)
                }
                return HandMadePNG(width: width, height: height, bitDepth: bitDepth, colourType: colourType,
                                   interlaced: interlaced, palette: palette, raw: raw)
            }
            return [image(4, 3, 16, 2, perPixel: 3, bound: 65536, interlaced: true),
                    image(5, 4, 2, 3, perPixel: 1, bound: 3, palette: [9, 8, 7, 6, 5, 4, 3, 2, 1]),
                    image(11, 3, 1, 0, perPixel: 1, bound: 2, interlaced: true),
                    image(3, 3, 8, 6, perPixel: 4, bound: 256)]
        }()

        /// Decodes `bytes`, which must either succeed or throw a `FormatError` naming the file.
        static func decodeOrFormatError(_ bytes: [UInt8], _ note: @autoclosure () -> String) {
            do {
                _ = try PNG.decode(bytes, name: "fuzz")
            } catch let error as FormatError {
                #expect(error.file == "fuzz")
            } catch {
                Issue.record("\(note()): not a FormatError: \(error)")
            }
        }

        @Test("the images decode, and every truncation throws a FormatError", arguments: 0..<4)
        func truncations(index: Int) throws {
            let file = Self.images[index].file
            _ = try PNG.decode(file, name: "fuzz")
            for length in 0..<file.count {
                #expect(throws: FormatError.self, "image \(index) cut to \(length)") {
                    try PNG.decode(Array(file.prefix(length)), name: "fuzz")
                }
            }
        }

        @Test("random byte changes throw a FormatError or decode, and never trap", arguments: 0..<4)
        func byteFlips(index: Int) {
            let file = Self.images[index].file
            var generator = SplitMix64(seed: UInt64(index))
            for trial in 0..<1500 {
                var damaged = file
                for _ in 0..<(1 + trial % 4) {
                    let position = Int(generator.next() % UInt64(file.count))
                    damaged[position] = trial % 3 == 0 ? UInt8(truncatingIfNeeded: generator.next())
                        : damaged[position] ^ UInt8(1 << (generator.next() % 8))
                }
                Self.decodeOrFormatError(damaged, "image \(index) trial \(trial)")
            }
        }

        @Test("random changes to IHDR, PLTE or the image data, behind valid CRCs and zlib streams, throw or decode",
              arguments: 0..<4)
        func contentChanges(index: Int) {
            var generator = SplitMix64(seed: UInt64(100 + index))
            for trial in 0..<1500 {
                var image = Self.images[index]
                for _ in 0..<(1 + trial % 3) {
                    let value = UInt8(truncatingIfNeeded: generator.next()), position = Int(generator.next() % 1000)
                    switch trial % 4 {
                    case 0: image.header[position % 13] = value
                    case 1 where image.palette != nil: image.palette![position % image.palette!.count] = value
                    default: image.raw[position % image.raw.count] = value
                    }
                }
                Self.decodeOrFormatError(image.file, "image \(index) trial \(trial)")
            }
        }
    }
}
