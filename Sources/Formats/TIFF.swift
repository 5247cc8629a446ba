import CTIFF
import Tensor

/// Greyscale TIFF images read through libtiff: the first image of a file, stored in strips (any
/// compression libtiff knows), one sample per pixel of unsigned or signed 8-, 16- or 32-bit
/// integers or 32- or 64-bit floats, as a `[rows, columns]` Float32 tensor (32-bit integers and
/// float64 rounded to nearest). Errors are `FormatError`s naming the file, with libtiff's message.
public enum TIFF {
    /// Reads the TIFF file at `path`.
    public static func read(path: String) throws -> Tensor {
        let message = UnsafeMutablePointer<CChar>.allocate(capacity: 512)
        message.initialize(repeating: 0, count: 512)
        defer { message.deallocate() }
        let fail = { (problem: String) in
            FormatError(file: path, message[0] == 0 ? problem : "\(problem) (\(String(cString: message)))")
        }
        guard let tiff = invscale_tiff_open(path, message) else { throw fail("cannot read as a TIFF file") }
        defer { TIFFClose(tiff) }
        var width: UInt32 = 0, height: UInt32 = 0, bits: UInt16 = 0, format: UInt16 = 0, samples: UInt16 = 0
        guard invscale_tiff_uint32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), &width) == 1,
              invscale_tiff_uint32(tiff, UInt32(TIFFTAG_IMAGELENGTH), &height) == 1, width > 0, height > 0 else {
            throw fail("no image size; expected positive ImageWidth and ImageLength tags")
        }
        _ = invscale_tiff_uint16(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), &bits)
        _ = invscale_tiff_uint16(tiff, UInt32(TIFFTAG_SAMPLEFORMAT), &format)
        _ = invscale_tiff_uint16(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), &samples)
        guard samples == 1 else { throw fail("\(samples) samples per pixel; expected 1 (greyscale)") }
        guard TIFFIsTiled(tiff) == 0 else { throw fail("tiled TIFF images are not supported; expected strips") }
        guard let sample = Sample(format: format, bits: bits) else {
            throw fail("sample format \(format) with \(bits) bits is not supported; expected unsigned or signed "
                + "integers (format 1 or 2) of 8, 16 or 32 bits, or floats (format 3) of 32 or 64 bits")
        }
        let (rows, columns) = (Int(height), Int(width))
        let lineBytes = Int(TIFFScanlineSize64(tiff))
        guard lineBytes >= columns * sample.size else {
            throw fail("scanlines of \(lineBytes) bytes; expected at least \(columns) samples of \(sample.size) bytes")
        }
        let line = UnsafeMutableRawPointer.allocate(byteCount: lineBytes, alignment: 8)
        defer { line.deallocate() }
        var values = [Float](repeating: 0, count: rows * columns)
        try values.withUnsafeMutableBufferPointer { target in
            for row in 0..<rows {
                guard TIFFReadScanline(tiff, line, UInt32(row), 0) == 1 else { throw fail("cannot read row \(row) of \(rows)") }
                sample.convert(UnsafeRawPointer(line), count: columns, into: target.baseAddress! + row * columns)
            }
        }
        return Tensor(shape: [rows, columns], values: values)
    }

    /// The supported sample types (libtiff returns them in the machine's byte order).
    private enum Sample {
        case uint8, uint16, uint32, int8, int16, int32, float32, float64

        init?(format: UInt16, bits: UInt16) {
            switch (format, bits) {
            case (1, 8): self = .uint8
            case (1, 16): self = .uint16
            case (1, 32): self = .uint32
            case (2, 8): self = .int8
            case (2, 16): self = .int16
            case (2, 32): self = .int32
            case (3, 32): self = .float32
            case (3, 64): self = .float64
            default: return nil
            }
        }

        /// Bytes per sample.
        var size: Int {
            switch self {
            case .uint8, .int8: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .float64: 8
            }
        }

        /// Converts `count` samples at `source` into `target`.
        func convert(_ source: UnsafeRawPointer, count: Int, into target: UnsafeMutablePointer<Float>) {
            func each<T: BitwiseCopyable>(_ type: T.Type, _ value: (T) -> Float) {
                for index in 0..<count { target[index] = value(source.loadUnaligned(fromByteOffset: index * size, as: T.self)) }
            }
            switch self {
            case .uint8: each(UInt8.self) { Float($0) }
            case .uint16: each(UInt16.self) { Float($0) }
            case .uint32: each(UInt32.self) { Float($0) }
            case .int8: each(Int8.self) { Float($0) }
            case .int16: each(Int16.self) { Float($0) }
            case .int32: each(Int32.self) { Float($0) }
            case .float32: each(Float.self) { $0 }
            case .float64: each(Double.self) { Float($0) }
            }
        }
    }
}
