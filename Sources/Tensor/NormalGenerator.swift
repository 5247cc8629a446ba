#if canImport(Glibc)
import Glibc
#endif

/// Standard normal numbers from the counter-based `Philox4x32` generator: value e of stream s is a
/// pure function of (seed, s, e), so any part of a stream can be generated alone, in any order,
/// on any thread or process.
public struct NormalGenerator: Sendable {
    private let generator: Philox4x32

    /// A generator keyed by `seed`.
    public init(seed: UInt64) { generator = Philox4x32(seed: seed) }

    /// Element `element` of stream `stream` (Box–Muller on two 32-bit uniforms of the Philox block
    /// (element, stream)).
    @inline(__always)
    public func value(stream: UInt64, element: UInt64) -> Float {
        let words = generator.block((UInt32(truncatingIfNeeded: element), UInt32(truncatingIfNeeded: element >> 32),
                                     UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)))
        let u = (Double(words.0) + 0.5) / 4_294_967_296
        let v = Double(words.1) / 4_294_967_296
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }

    /// Calls `body(i, value(stream, offset + i))` for i in `0..<count`, in parallel blocks.
    public func forEach(count: Int, stream: UInt64, offset: Int, _ body: (Int, Float) -> Void) {
        let block = 1 << 14
        parallelFor((count + block - 1) / block) { task in
            for index in (task * block)..<min(count, task * block + block) {
                body(index, value(stream: stream, element: UInt64(offset + index)))
            }
        }
    }

    /// A tensor of standard normal values: elements `offset ..< offset + count` of `stream`.
    public func tensor(shape: [Int], stream: UInt64 = 0, offset: Int = 0) -> Tensor {
        Tensor(shape: shape) { values in
            forEach(count: values.count, stream: stream, offset: offset) { values[$0] = $1 }
        }
    }
}
