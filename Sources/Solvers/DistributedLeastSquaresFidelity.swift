import Communication
import Tensor

/// A least-squares fidelity with its operators spread over ranks (`distribute_physics`): each
/// rank holds only its own operators and measurements (operator k on rank `k mod P`, possibly
/// none) and every quantity is its local sum followed by one all-reduce, so all ranks get the
/// same `Σ_k` over all K operators. Idle ranks still join every all-reduce.
public struct DistributedLeastSquaresFidelity: DataFidelity {
    /// This rank's operators, or nil when it has none.
    public let local: (any DataFidelity)?
    /// The ranks sharing the operators.
    public let communicator: any Communicator
    public let imageShape: [Int]

    /// The fidelity whose part on this rank is `local`.
    public init(local: (any DataFidelity)?, imageShape: [Int], communicator: any Communicator) throws {
        if let local, local.imageShape != imageShape {
            throw SolverError("distributed fidelity: local image shape \(local.imageShape) differs from \(imageShape)")
        }
        self.local = local
        self.communicator = communicator
        self.imageShape = imageShape
    }

    /// Operators of `count` that `rank` of `size` holds: `k mod size == rank`.
    public static func operators(count: Int, rank: Int, size: Int) -> [Int] {
        Array(stride(from: rank, to: count, by: size))
    }

    public func gradient(_ x: Tensor) throws -> Tensor { try reduced { try $0.gradient(x) } }
    public func adjointOfMeasurements() throws -> Tensor { try reduced { try $0.adjointOfMeasurements() } }
    public func normal(_ x: Tensor) throws -> Tensor { try reduced { try $0.normal(x) } }

    /// `part` of the local operators (zero without any), summed over the ranks.
    private func reduced(_ part: (any DataFidelity) throws -> Tensor) throws -> Tensor {
        var sum = try local.map(part) ?? Tensor(shape: imageShape)
        try communicator.allReduce(&sum, .sum)
        return sum
    }
}
