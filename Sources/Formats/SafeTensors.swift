import FoundationEssentials
import Tensor

/// The safetensors format: an 8-byte little-endian header length, a JSON header giving each
/// tensor's `dtype`, `shape` and `data_offsets` (its `[begin, end)` bytes in the data that
/// follows), then the little-endian data.
///
/// Reading accepts F32, F16 and BF16 tensors of rank 0 to 5 (rank 0 becomes shape `[1]`), in the
/// order of their data in the file (which is the header order of files written by the
/// `safetensors` package); the byte ranges must exactly tile the data, as that package requires.
/// `__metadata__` is ignored. Writing stores tensors in the given order, F32, or F16 or BF16
/// rounded to nearest even, with the header padded with spaces to a multiple of 8 bytes.
public enum SafeTensors {
    /// An element type of safetensors data.
    public enum DType: String, Sendable, CaseIterable {
        /// IEEE binary32.
        case f32 = "F32"
        /// IEEE binary16.
        case f16 = "F16"
        /// bfloat16 (the upper half of a binary32).
        case bf16 = "BF16"

        var elementType: ElementType {
            switch self {
            case .f32: .float32
            case .f16: .float16
            case .bf16: .bfloat16
            }
        }
    }

    /// Reads the safetensors file at `path`.
    public static func read(path: String) throws -> NamedTensors {
        try FileIO.read(path).withUnsafeBytes { try decode($0, name: path) }
    }

    /// Decodes the bytes of a safetensors file; `name` is the file name that errors report.
    public static func decode(_ bytes: [UInt8], name: String) throws -> NamedTensors {
        try bytes.withUnsafeBytes { try decode($0, name: name) }
    }

    /// Decodes safetensors bytes in memory (a mapped file, data embedded in the executable).
    public static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> NamedTensors {
        let fail = { FormatError(file: name, $0) }
        var reader = ByteReader(bytes, context: "safetensors header", fail: fail)
        let length = try reader.length64("length")
        guard length <= reader.remaining else {
            throw fail("header length \(length) exceeds the \(reader.remaining) bytes after it")
        }
        let json = try reader.take(length)
        let data = UnsafeRawBufferPointer(rebasing: bytes[reader.position...])
        let header = try SafeTensorsHeader(parsing: json, dataCount: data.count, fail: fail)
        var result = NamedTensors()
        for entry in header.entries {
            let layout = StridedLayout(offset: 0, shape: entry.shape, strides: Tensor.strides(for: entry.shape))
            result[entry.name] = try layout.tensor(from: UnsafeRawBufferPointer(rebasing: data[entry.range]),
                                                   type: entry.type) { fail("tensor '\(entry.name)': \($0)") }
        }
        return result
    }
}
