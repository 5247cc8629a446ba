#if canImport(Glibc)
import Glibc
#endif
import Tensor

/// Additive white Gaussian noise from a counter-based generator: the value added to element e
/// of stream s is a pure function of (seed, s, e), so noise does not depend on how the data are
/// split into operators or spread over processes, nor on the thread count.
public struct GaussianNoise: Sendable {
    /// Standard deviation.
    public let sigma: Float
    /// Key of the generator.
    public let seed: UInt64
    private let generator: Philox4x32

    /// Noise of standard deviation `sigma ≥ 0` keyed by `seed`.
    public init(sigma: Float, seed: UInt64) throws {
        guard sigma >= 0, sigma.isFinite else {
            throw TensorError.invalidArgument("noise level: expected a finite value ≥ 0, got \(sigma)")
        }
        self.sigma = sigma
        self.seed = seed
        generator = Philox4x32(seed: seed)
    }

    /// The standard normal value of element `element` in stream `stream` (Box–Muller on two
    /// 32-bit uniforms of the Philox block (element, stream)).
    @inline(__always)
    public func standardNormal(stream: UInt64, element: UInt64) -> Float {
        let words = generator.block((UInt32(truncatingIfNeeded: element), UInt32(truncatingIfNeeded: element >> 32),
                                     UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)))
        let u = (Double(words.0) + 0.5) / 4_294_967_296
        let v = Double(words.1) / 4_294_967_296
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }

    /// Adds `sigma ×` the stream's elements `offset ..< offset + tensor.count` to `tensor`.
    public func add(to tensor: inout Tensor, stream: UInt64 = 0, offset: Int = 0) {
        let sigma = self.sigma
        guard sigma > 0 else { return }
        tensor.withUnsafeMutableBufferPointer { values in
            forEachBlock(values.count) { range in
                for index in range {
                    values[index] += sigma * standardNormal(stream: stream, element: UInt64(offset + index))
                }
            }
        }
    }

    /// A tensor of standard normal values: elements `offset ..< offset + count` of `stream`.
    public func standardNormalTensor(shape: [Int], stream: UInt64 = 0, offset: Int = 0) -> Tensor {
        Tensor(shape: shape) { values in
            forEachBlock(values.count) { range in
                for index in range {
                    values[index] = standardNormal(stream: stream, element: UInt64(offset + index))
                }
            }
        }
    }

    private func forEachBlock(_ count: Int, _ body: (Range<Int>) -> Void) {
        let block = 1 << 14
        parallelFor((count + block - 1) / block) { task in
            body((task * block)..<min(count, task * block + block))
        }
    }
}
