/// The stored element types that the checkpoint readers convert to Float32.
enum ElementType: Sendable {
    case float32, float16, bfloat16

    /// Bytes per element.
    var size: Int { self == .float32 ? 4 : 2 }

    /// Converts `count` little-endian elements, from element `start` of `storage` in steps of
    /// `stride` elements, into `target`. The caller has checked every index against `storage`.
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
        }
    }
}
