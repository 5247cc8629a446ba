import Physics
import Tensor

/// An inverse problem ready for a solver: the ground truth, the forward operators
/// `A = [A_1; …; A_K]` and one noisy measurement `y_k` per operator.
public struct Problem: Sendable {
    /// Dataset name (the reference's, e.g. `tomography_2d`).
    public let name: String
    /// The true image `[1, 1, N, N]`, or the volume `[1, 1, D, H, W]`.
    public let groundTruth: Tensor
    /// The forward operators, in order.
    public let operators: OperatorStack
    /// `y_k`, one per operator, in the same order.
    public let measurements: [Tensor]
    /// The range of the image values: the denoiser maps it affinely onto [0, 1].
    public let valueRange: ClosedRange<Float>
    /// For 2-D parallel-beam tomography, operator k's scan geometry (to export `geometry.json`);
    /// empty for other problems.
    public let geometries: [ParallelBeamGeometry]

    /// A problem; there must be one measurement per operator, and one geometry per operator
    /// when geometries are given.
    public init(name: String, groundTruth: Tensor, operators: OperatorStack, measurements: [Tensor],
                valueRange: ClosedRange<Float>, geometries: [ParallelBeamGeometry] = []) throws {
        let count = operators.operators.count
        guard measurements.count == count else {
            throw DatasetError("problem measurements: expected \(count), one per operator, got \(measurements.count)")
        }
        guard geometries.isEmpty || geometries.count == count else {
            throw DatasetError("problem geometries: expected none or \(count), one per operator, got \(geometries.count)")
        }
        self.name = name
        self.groundTruth = groundTruth
        self.operators = operators
        self.measurements = measurements
        self.valueRange = valueRange
        self.geometries = geometries
    }
}
