import CZlib
import FoundationEssentials
import Tensor

/// A PNG writer for 8- or 16-bit greyscale and RGB images: one IHDR, the zlib-deflated scanlines
/// (filter type 0 on every row) in IDAT chunks, and IEND; no interlacing.
public enum PNG {
    /// The PNG file for `samples`, given row by row with the channels of each pixel interleaved
    /// (`channels` is 1 for greyscale, 3 for RGB). Each sample must fit in `bitDepth` (8 or 16)
    /// bits; `name` is the file name that errors report.
    public static func encode(width: Int, height: Int, channels: Int, bitDepth: Int, samples: [UInt16],
                              name: String = "PNG") throws -> [UInt8] {
        func fail(_ problem: String) -> FormatError { FormatError(file: name, problem) }
        guard channels == 1 || channels == 3 else { throw fail("expected 1 or 3 channels, got \(channels)") }
        guard bitDepth == 8 || bitDepth == 16 else { throw fail("expected bit depth 8 or 16, got \(bitDepth)") }
        guard (1...maxExtent).contains(width), (1...maxExtent).contains(height) else {
            throw fail("expected width and height in 1...\(maxExtent), got \(width)×\(height)")
        }
        let (expected, overflow) = width.multipliedReportingOverflow(by: height * channels)
        guard !overflow, samples.count == expected else {
            throw fail("expected \(width)×\(height)×\(channels) samples, got \(samples.count)")
        }
        if bitDepth == 8, let large = samples.first(where: { $0 > 255 }) {
            throw fail("sample \(large) does not fit in 8 bits")
        }

        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [UInt8(bitDepth), channels == 1 ? 0 : 2, 0, 0, 0]
        var file = signature + chunk("IHDR", header)
        let compressed = try deflate(scanlines(width: width, channels: channels, bitDepth: bitDepth, samples),
                                     fail: fail)
        for start in stride(from: 0, to: compressed.count, by: maxChunkLength) {
            file += chunk("IDAT", compressed[start..<min(start + maxChunkLength, compressed.count)])
        }
        return file + chunk("IEND", [])
    }

    /// Writes a rank-2 `[H, W]` tensor as a greyscale PNG: values are clamped to `range` and mapped
    /// linearly to 0...255 (or 0...65535 for `bitDepth` 16); NaN becomes 0.
    public static func writeGrey(_ image: Tensor, range: ClosedRange<Float>, bitDepth: Int = 8,
                                 to path: String) throws {
        guard image.rank == 2 else { throw FormatError(file: path, "expected a [H, W] image, got shape \(image.shape)") }
        let samples = try quantize(image, range: range, bitDepth: bitDepth, path: path)
        try write(width: image.shape[1], height: image.shape[0], channels: 1, bitDepth: bitDepth,
                  samples: samples, to: path)
    }

    /// Writes a `[3, H, W]` tensor (red, green and blue planes) as an RGB PNG, mapping values as
    /// `writeGrey` does.
    public static func writeRGB(_ image: Tensor, range: ClosedRange<Float>, bitDepth: Int = 8,
                                to path: String) throws {
        guard image.rank == 3, image.shape[0] == 3 else {
            throw FormatError(file: path, "expected a [3, H, W] image, got shape \(image.shape)")
        }
        let planes = try quantize(image, range: range, bitDepth: bitDepth, path: path)
        let pixels = image.shape[1] * image.shape[2]
        var samples = [UInt16](repeating: 0, count: planes.count)
        for pixel in 0..<pixels {
            for colour in 0..<3 { samples[3 * pixel + colour] = planes[colour * pixels + pixel] }
        }
        try write(width: image.shape[2], height: image.shape[1], channels: 3, bitDepth: bitDepth,
                  samples: samples, to: path)
    }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Largest width or height, and largest chunk length, that PNG allows (2³¹ − 1).
    private static let maxExtent = Int(Int32.max)
    private static let maxChunkLength = Int(Int32.max)

    private static func write(width: Int, height: Int, channels: Int, bitDepth: Int, samples: [UInt16],
                              to path: String) throws {
        let file = try encode(width: width, height: height, channels: channels, bitDepth: bitDepth,
                              samples: samples, name: path)
        try FileIO.write(Data(file), to: path)
    }

    /// Every element of `image` clamped to `range` and scaled to the full range of `bitDepth` bits.
    private static func quantize(_ image: Tensor, range: ClosedRange<Float>, bitDepth: Int,
                                 path: String) throws -> [UInt16] {
        guard bitDepth == 8 || bitDepth == 16 else {
            throw FormatError(file: path, "expected bit depth 8 or 16, got \(bitDepth)")
        }
        let low = Double(range.lowerBound), high = Double(range.upperBound)
        guard low.isFinite, high.isFinite, low < high else {
            throw FormatError(file: path, "expected a finite display range with lower < upper, got \(range)")
        }
        let top = Double((1 << bitDepth) - 1)
        return image.withUnsafeBufferPointer { values in
            values.map { value in
                guard !value.isNaN else { return 0 }
                let fraction = Swift.min(Swift.max((Double(value) - low) / (high - low), 0), 1)
                return UInt16((fraction * top).rounded())
            }
        }
    }

    /// The raw image data: each row is a filter-type byte (0, none) followed by its samples,
    /// 16-bit samples big-endian.
    private static func scanlines(width: Int, channels: Int, bitDepth: Int, _ samples: [UInt16]) -> [UInt8] {
        let rowSamples = width * channels, sampleBytes = bitDepth / 8
        var raw = [UInt8]()
        raw.reserveCapacity(samples.count / rowSamples * (1 + rowSamples * sampleBytes))
        for rowStart in stride(from: 0, to: samples.count, by: rowSamples) {
            raw.append(0)
            for sample in samples[rowStart..<rowStart + rowSamples] {
                if sampleBytes == 2 { raw.append(UInt8(sample >> 8)) }
                raw.append(UInt8(truncatingIfNeeded: sample))
            }
        }
        return raw
    }

    /// `data` compressed into a zlib stream at the default level.
    private static func deflate(_ data: [UInt8], fail: (String) -> FormatError) throws -> [UInt8] {
        var length = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = compress2(&output, &length, data, uLong(data.count), Z_DEFAULT_COMPRESSION)
        guard status == Z_OK else { throw fail("zlib compression failed (status \(status))") }
        return Array(output.prefix(Int(length)))
    }

    /// A chunk: big-endian data length, type, data, and the CRC-32 of type and data.
    private static func chunk(_ type: String, _ data: some Collection<UInt8>) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(UInt32(crc))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
