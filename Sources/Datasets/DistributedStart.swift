import Communication
import Physics
import Tensor

/// The FBP/FDK starts of a scan whose operators are spread over ranks: each rank reconstructs
/// from its own operators, weighted for the whole scan, and one all-reduce sums the parts (in
/// double, rounded after it), so every rank ends with the start of all the data, the same as one
/// process computes.
public enum DistributedStart {
    /// The 2-D FBP of `dataset` from this rank's operators `mine` and their `measurements`.
    public static func filteredBackProjection(_ dataset: Tomography2D, operators mine: [Int], measurements: [Tensor],
                                              communicator: any Communicator) throws -> Tensor {
        var sum = try dataset.filteredBackProjection(operators: mine, measurements: measurements)
        try communicator.allReduce(&sum.values, .sum)
        return sum.rounded
    }

    /// The FDK of a cone-beam scan of `totalViews` views from this rank's `operators` (possibly
    /// none) and their `measurements`, for a volume of `shape`.
    public static func feldkamp(operators: [ConeBeam3D], measurements: [Tensor], totalViews: Int, shape: [Int],
                                communicator: any Communicator) throws -> Tensor {
        var sum = operators.isEmpty ? DoubleSum(shape: shape)
            : try ConeBeamStart.feldkampSum(operators: operators, measurements: measurements, totalViews: totalViews)
        try communicator.allReduce(&sum.values, .sum)
        return sum.rounded
    }
}
