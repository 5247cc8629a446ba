import Tensor

/// The layout of a PNG image from its IHDR (and PLTE), and the conversion of its inflated image
/// data to a `[1, C, H, W]` tensor.
struct PNGImage {
    /// A sub-image stored as consecutive filtered rows: the pixels at x = `x0 + i·dx`, y = `y0 + j·dy`.
    private struct Pass {
        let x0, y0, dx, dy, width, height: Int
        /// Bytes in each row after its filter-type byte.
        let rowBytes: Int
        /// Where the pass lies, for error messages: empty, or ` of Adam7 pass n`.
        let label: String
    }

    private let width, height, bitDepth, colourType: Int
    /// Samples per pixel in the file (alpha included).
    private let samplesPerPixel: Int
    /// The palette's red, green and blue values in [0, 1], for colour type 3.
    private let palette: [Float]
    /// The non-empty passes: the whole image, or the seven of Adam7 that have pixels.
    private let passes: [Pass]
    /// Bytes of filtered image data (filter-type bytes included) that IHDR calls for.
    let rawCount: Int
    private let fail: (String) -> FormatError

    /// Bit depths allowed for each colour type.
    private static let bitDepths = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
    /// Samples per pixel for each colour type: grey, RGB, palette index, grey + alpha, RGB + alpha.
    private static let samples = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4]
    /// First column and row, and column and row steps, of the seven Adam7 passes.
    private static let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
                                (1, 0, 2, 2), (0, 1, 1, 2)]

    /// Checks the 13-byte IHDR `header` and, for colour type 3, the PLTE `palette` bytes.
    init(header: [UInt8], palette: [UInt8]?, fail: @escaping (String) -> FormatError) throws {
        self.fail = fail
        guard header.count == 13 else { throw fail("expected an IHDR of 13 bytes, found \(header.count)") }
        func field(_ offset: Int) -> Int { header[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        (width, height, bitDepth, colourType) = (field(0), field(4), Int(header[8]), Int(header[9]))
        guard (1...Int(Int32.max)).contains(width), (1...Int(Int32.max)).contains(height) else {
            throw fail("expected width and height in 1...\(Int32.max), found \(width)×\(height)")
        }
        guard let depths = Self.bitDepths[colourType], let samples = Self.samples[colourType] else {
            throw fail("expected colour type 0, 2, 3, 4 or 6, found \(colourType)")
        }
        guard depths.contains(bitDepth) else {
            throw fail("unsupported bit depth \(bitDepth) for colour type \(colourType): expected one of "
                + depths.map(String.init).joined(separator: ", "))
        }
        guard header[10] == 0, header[11] == 0, header[12] <= 1 else {
            throw fail("expected compression method 0, filter method 0 and interlace method 0 or 1, found "
                + "\(header[10]), \(header[11]) and \(header[12])")
        }
        samplesPerPixel = samples
        self.palette = try Self.colours(palette, colourType: colourType, fail: fail)
        let (columns, rows, bitsPerPixel, interlaced) = (width, height, samples * bitDepth, header[12] == 1)
        passes = (interlaced ? Self.adam7 : [(0, 0, 1, 1)]).enumerated().map { number, layout in
            let (x0, y0, dx, dy) = layout, passWidth = (columns - x0 + dx - 1) / dx
            return Pass(x0: x0, y0: y0, dx: dx, dy: dy, width: passWidth, height: (rows - y0 + dy - 1) / dy,
                        rowBytes: (passWidth * bitsPerPixel + 7) / 8,
                        label: interlaced ? " of Adam7 pass \(number + 1)" : "")
        }.filter { $0.width > 0 && $0.height > 0 }
        var total = 0, overflow = false
        for pass in passes where !overflow {
            let (passTotal, passOverflow) = (pass.rowBytes + 1).multipliedReportingOverflow(by: pass.height)
            (total, overflow) = passOverflow ? (0, true) : total.addingReportingOverflow(passTotal)
        }
        guard !overflow else { throw fail("image of \(width)×\(height) pixels is too large") }
        rawCount = total
    }

    /// Channels of the decoded tensor: 1 for grey (with or without alpha), else 3.
    private var channels: Int { colourType == 0 || colourType == 4 ? 1 : 3 }

    /// Throws when the inflated data and the decoded tensor of the declared size (overflow-checked)
    /// do not fit in `budget`.
    func requireMemory(_ budget: MemoryBudget) throws {
        do {
            try budget.require(bytes: MemoryBudget.sum(rawCount, MemoryBudget.product(width, height, channels, 4)),
                               for: "IHDR declares \(width)×\(height) pixels of \(channels) channel\(channels == 1 ? "" : "s")")
        } catch {
            throw fail(error.description)
        }
    }

    /// The PLTE entries as values in [0, 1], checked, for colour type 3; empty for other types.
    private static func colours(_ palette: [UInt8]?, colourType: Int,
                                fail: (String) -> FormatError) throws -> [Float] {
        guard colourType == 3 else { return [] }
        guard let palette else { throw fail("expected a PLTE chunk before IDAT for colour type 3, found none") }
        guard palette.count % 3 == 0, (3...768).contains(palette.count) else {
            throw fail("expected a PLTE of 1 to 256 RGB entries, found \(palette.count) bytes")
        }
        return palette.map { Float($0) / 255 }
    }

    /// The image from `raw`, its `rawCount` bytes of inflated image data: each pass's rows are
    /// unfiltered and their samples scaled to [0, 1] (alpha dropped, palette indices expanded).
    func pixels(fromRaw raw: consuming [UInt8]) throws -> Tensor {
        try Tensor(shape: [1, channels, height, width]) { output in
            try raw.withUnsafeMutableBufferPointer { raw in
                var start = 0
                for pass in passes {
                    try decode(pass, from: UnsafeMutableBufferPointer(rebasing: raw[start...]), into: output)
                    start += (1 + pass.rowBytes) * pass.height
                }
            }
        }
    }

    /// Unfilters the rows of `pass`, with which `data` begins, and stores their pixels in `output`.
    private func decode(_ pass: Pass, from data: UnsafeMutableBufferPointer<UInt8>,
                        into output: UnsafeMutableBufferPointer<Float>) throws {
        let bytesPerPixel = max(samplesPerPixel * bitDepth / 8, 1)
        try [UInt8](repeating: 0, count: pass.rowBytes).withUnsafeBufferPointer { zeros in
            var previous = zeros
            for rowIndex in 0..<pass.height {
                let start = rowIndex * (1 + pass.rowBytes)
                let row = UnsafeMutableBufferPointer(rebasing: data[start + 1..<start + 1 + pass.rowBytes])
                guard PNGFilter.unfilter(data[start], row, previous: previous, bytesPerPixel: bytesPerPixel) else {
                    throw fail("expected filter type 0 to 4 on row \(rowIndex)\(pass.label), found \(data[start])")
                }
                previous = UnsafeBufferPointer(row)
                try store(previous, row: pass.y0 + rowIndex * pass.dy, of: pass, into: output)
            }
        }
    }

    /// Writes the pixels of one unfiltered row of `pass`, image row `y`, into the planes of `output`.
    private func store(_ row: UnsafeBufferPointer<UInt8>, row y: Int, of pass: Pass,
                       into output: UnsafeMutableBufferPointer<Float>) throws {
        let plane = width * height, scale = Float((1 << bitDepth) - 1)
        for column in 0..<pass.width {
            let pixel = y * width + pass.x0 + column * pass.dx
            let first = column * samplesPerPixel
            switch colourType {
            case 3:
                let index = sample(row, first)
                guard 3 * index < palette.count else {
                    throw fail("palette index \(index) at pixel (\(pixel % width), \(y)) is out of range for "
                        + "the \(palette.count / 3)-entry PLTE")
                }
                for colour in 0..<3 { output[colour * plane + pixel] = palette[3 * index + colour] }
            case 0, 4:
                output[pixel] = Float(sample(row, first)) / scale
            default:
                for colour in 0..<3 { output[colour * plane + pixel] = Float(sample(row, first + colour)) / scale }
            }
        }
    }

    /// Sample number `index` of an unfiltered row: 1, 2 or 4 bits packed from the high bits of each
    /// byte, one byte, or two bytes big-endian.
    private func sample(_ row: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        switch bitDepth {
        case 8: return Int(row[index])
        case 16: return Int(row[2 * index]) << 8 | Int(row[2 * index + 1])
        default:
            let bit = index * bitDepth
            return (Int(row[bit >> 3]) >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1)
        }
    }
}
