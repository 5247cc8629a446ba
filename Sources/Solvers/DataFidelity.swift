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

    public func gradient(_ x: Tensor) throws -> Tensor {
        var residuals = try operators.apply(x)
        for index in residuals.indices { residuals[index].subtract(measurements[index]) }
        return try operators.adjoint(residuals)
    }

    public func adjointOfMeasurements() throws -> Tensor { try operators.adjoint(measurements) }

    public func normal(_ x: Tensor) throws -> Tensor { try operators.normal(x) }
}
