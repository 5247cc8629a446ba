import Communication
import Tensor

/// A least-squares fidelity with its operators spread over ranks (`distribute_physics`): each
/// rank holds only its own operators and measurements (operator k on rank `k mod P`, possibly
/// none) and every quantity is its local sum followed by one all-reduce, so all ranks get the
/// same `Σ_k` over all K operators. Idle ranks still join every all-reduce. The local sums and the
/// all-reduce are in double (`DataFidelity.unroundedSum`), rounded to float after it, so for a
/// least-squares stack the result is the one-process result whatever the number of ranks.
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

    public func gradient(_ x: Tensor) throws -> Tensor { try unroundedSum(.gradient(x)).rounded }
    public func adjointOfMeasurements() throws -> Tensor { try unroundedSum(.adjointOfMeasurements).rounded }
    public func normal(_ x: Tensor) throws -> Tensor { try unroundedSum(.normal(x)).rounded }

    /// `term` of the local operators (zero without any), summed over the ranks in double.
    public func unroundedSum(_ term: FidelityTerm) throws -> DoubleSum {
        var sum = try local?.unroundedSum(term) ?? DoubleSum(shape: imageShape)
        try communicator.allReduce(&sum.values, .sum)
        return sum
    }
}
