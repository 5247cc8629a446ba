import Tensor

/// Additive white Gaussian noise from a counter-based generator (`NormalGenerator`): the value
/// added to element e of stream s is a pure function of (seed, s, e), so noise does not depend on
/// how the data are split into operators or spread over processes, nor on the thread count.
public struct GaussianNoise: Sendable {
    /// Standard deviation.
    public let sigma: Float
    /// Key of the generator.
    public let seed: UInt64
    private let generator: NormalGenerator

    /// Noise of standard deviation `sigma ≥ 0` keyed by `seed`.
    public init(sigma: Float, seed: UInt64) throws {
        guard sigma >= 0, sigma.isFinite else {
            throw PhysicsError("noise level: expected a finite value ≥ 0, got \(sigma)")
        }
        self.sigma = sigma
        self.seed = seed
        generator = NormalGenerator(seed: seed)
    }

    /// The standard normal value of element `element` in stream `stream`.
    public func standardNormal(stream: UInt64, element: UInt64) -> Float {
        generator.value(stream: stream, element: element)
    }

    /// Adds `sigma ×` the stream's elements `offset ..< offset + tensor.count` to `tensor`.
    public func add(to tensor: inout Tensor, stream: UInt64 = 0, offset: Int = 0) {
        let sigma = self.sigma
        guard sigma > 0 else { return }
        tensor.withUnsafeMutableBufferPointer { values in
            generator.forEach(count: values.count, stream: stream, offset: offset) { values[$0] += sigma * $1 }
        }
    }

    /// A tensor of standard normal values: elements `offset ..< offset + count` of `stream`.
    public func standardNormalTensor(shape: [Int], stream: UInt64 = 0, offset: Int = 0) -> Tensor {
        generator.tensor(shape: shape, stream: stream, offset: offset)
    }
}
