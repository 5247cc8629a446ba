import Physics
import Tensor

/// The data-fidelity term of a solver: its gradient, the adjoint of the data (for the
/// reference's "pseudo_inverse" start) and the normal operator (for ‖A‖² by power iteration).
/// A distributed implementation sums over its own operators and all-reduces.
public protocol DataFidelity: Sendable {
    /// Shape of the image `x`.
    var imageShape: [Int] { get }
    /// `∇f(x) = Σ_k A_kᵀ(A_k x − y_k)`.
    func gradient(_ x: Tensor) throws -> Tensor
    /// `Σ_k A_kᵀ y_k`.
    func adjointOfMeasurements() throws -> Tensor
    /// `Σ_k A_kᵀ A_k x`.
    func normal(_ x: Tensor) throws -> Tensor
    /// `term` as its sum over the operators in double, before the rounding to float: what a
    /// distributed fidelity all-reduces, so that its result does not depend on how the operators
    /// are split over ranks. The default widens the float result.
    func unroundedSum(_ term: FidelityTerm) throws -> DoubleSum
}

/// The sums over operators a data fidelity gives.
public enum FidelityTerm: Sendable {
    /// `Σ_k A_kᵀ(A_k x − y_k)`.
    case gradient(Tensor)
    /// `Σ_k A_kᵀ y_k`.
    case adjointOfMeasurements
    /// `Σ_k A_kᵀ A_k x`.
    case normal(Tensor)
}

extension DataFidelity {
    public func unroundedSum(_ term: FidelityTerm) throws -> DoubleSum {
        let result: Tensor
        switch term {
        case .gradient(let x): result = try gradient(x)
        case .adjointOfMeasurements: result = try adjointOfMeasurements()
        case .normal(let x): result = try normal(x)
        }
        var sum = DoubleSum(shape: result.shape)
        sum.add(result)
        return sum
    }
}

/// The least-squares fidelity `f(x) = ½ Σ_k ‖A_k x − y_k‖²` of a stack of operators and their
/// measurements, in one process.
public struct LeastSquaresFidelity: DataFidelity {
    /// The operators `A_k`.
    public let operators: OperatorStack
    /// The measurements `y_k`, one per operator.
    public let measurements: [Tensor]
    public let imageShape: [Int]

    /// The fidelity of `measurements` (one per operator) for images of `imageShape`.
    public init(operators: OperatorStack, measurements: [Tensor], imageShape: [Int]) throws {
        guard operators.operators.count == measurements.count else {
            throw SolverError("data fidelity: \(operators.operators.count) operators but \(measurements.count) measurements")
        }
        self.operators = operators
        self.measurements = measurements
        self.imageShape = imageShape
    }

    public func gradient(_ x: Tensor) throws -> Tensor { try unroundedSum(.gradient(x)).rounded }

    public func adjointOfMeasurements() throws -> Tensor { try operators.adjoint(measurements) }

    public func normal(_ x: Tensor) throws -> Tensor { try operators.normal(x) }

    /// Each operator's part in float, summed in double (`OperatorStack.adjointSum`).
    public func unroundedSum(_ term: FidelityTerm) throws -> DoubleSum {
        switch term {
        case .gradient(let x):
            var residuals = try operators.apply(x)
            for index in residuals.indices { residuals[index].subtract(measurements[index]) }
            return try operators.adjointSum(residuals)
        case .adjointOfMeasurements: return try operators.adjointSum(measurements)
        case .normal(let x): return try operators.adjointSum(operators.apply(x))
        }
    }
}
