/// The stored element types that the checkpoint readers convert to Float32 (or, for geometry
/// tables, to Double).
enum ElementType: Sendable {
    case float32, float16, bfloat16, float64

    /// Bytes per element.
    var size: Int {
        switch self {
        case .float32: 4
        case .float16, .bfloat16: 2
        case .float64: 8
        }
    }

    /// Converts `count` little-endian elements, from element `start` of `storage` in steps of
    /// `stride` elements, into `target` (float64 rounded to nearest). The caller has checked every
    /// index against `storage`.
    func convert(_ storage: UnsafeRawBufferPointer, start: Int, stride: Int, count: Int,
                 into target: UnsafeMutablePointer<Float>) {
        switch self {
        case .float32:
            for index in 0..<count {
                let offset = 4 * (start + index * stride)
                target[index] = Float(bitPattern: UInt32(littleEndian: storage.loadUnaligned(fromByteOffset: offset,
                                                                                             as: UInt32.self)))
            }
        case .float16:
            for index in 0..<count {
                let bits = storage.loadUnaligned(fromByteOffset: 2 * (start + index * stride), as: UInt16.self)
                target[index] = HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: bits))
            }
        case .bfloat16:
            for index in 0..<count {
                let bits = storage.loadUnaligned(fromByteOffset: 2 * (start + index * stride), as: UInt16.self)
                target[index] = HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: bits))
            }
        case .float64:
            for index in 0..<count {
                let bits = storage.loadUnaligned(fromByteOffset: 8 * (start + index * stride), as: UInt64.self)
                target[index] = Float(Double(bitPattern: UInt64(littleEndian: bits)))
            }
        }
    }

    /// As `convert(_:start:stride:count:into:)`, into Doubles: float64 exactly as stored, the
    /// other types widened exactly.
    func convert(_ storage: UnsafeRawBufferPointer, start: Int, stride: Int, count: Int,
                 into target: UnsafeMutablePointer<Double>) {
        guard count > 0 else { return }
        guard self != .float64 else {
            for index in 0..<count {
                let bits = storage.loadUnaligned(fromByteOffset: 8 * (start + index * stride), as: UInt64.self)
                target[index] = Double(bitPattern: UInt64(littleEndian: bits))
            }
            return
        }
        let floats = [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            convert(storage, start: start, stride: stride, count: count, into: buffer.baseAddress!)
            initialised = count
        }
        for index in 0..<count { target[index] = Double(floats[index]) }
    }
}
