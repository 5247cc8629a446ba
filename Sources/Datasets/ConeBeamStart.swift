import Physics
import Tensor

/// FDK starts for 3-D scans split into view blocks.
public enum ConeBeamStart {
    /// The part of the FDK of the whole scan that the listed blocks make: `Σ_k (V_k/V)·FDK_k(y_k)`,
    /// where `FDK_k` uses block k's views and V is the scan's total view count. FDK filters each
    /// projection alone and weights each view by `π/(2·V)`, so summing this over all blocks (for
    /// instance by an all-reduce across the processes holding them) gives the FDK of the whole scan
    /// up to rounding.
    public static func feldkamp(operators: [ConeBeam3D], measurements: [Tensor], totalViews: Int) throws -> Tensor {
        try feldkampSum(operators: operators, measurements: measurements, totalViews: totalViews).rounded
    }

    /// `feldkamp` summed in double (`DoubleSum`), before its rounding: what ranks holding some
    /// operators each all-reduce, so the total does not depend on how the operators are split.
    public static func feldkampSum(operators: [ConeBeam3D], measurements: [Tensor], totalViews: Int) throws -> DoubleSum {
        guard operators.count == measurements.count else {
            throw DatasetError("partial fdk: \(operators.count) operators but \(measurements.count) measurements")
        }
        guard let first = operators.first else {
            throw DatasetError("partial fdk: expected at least one operator")
        }
        var sum = DoubleSum(shape: first.domainShape(batch: measurements[0].shape[0], channels: measurements[0].shape[1]))
        for (op, y) in zip(operators, measurements) {
            var part = try FeldkampReconstruction(projector: op).reconstruct(y)
            part.scale(by: Float(Double(op.geometry.views.count) / Double(totalViews)))
            sum.add(part)
        }
        return sum
    }
}

extension Problem {
    /// The cone-beam operators of a 3-D problem, or nil when any operator is something else.
    public var coneBeamOperators: [ConeBeam3D]? {
        let cones = operators.operators.compactMap { $0 as? ConeBeam3D }
        return cones.count == operators.operators.count ? cones : nil
    }
}
