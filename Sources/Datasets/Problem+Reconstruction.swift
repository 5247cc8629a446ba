import Physics
import Tensor

extension Problem {
    /// Filtered back-projection of all the measurements together: for 2-D parallel-beam problems
    /// the operators' angle blocks are joined back into one scan; for 3-D scans it is FDK
    /// (`ConeBeamStart.feldkamp` over every block).
    public func filteredBackProjection() throws -> Tensor {
        if let cones = coneBeamOperators {
            return try ConeBeamStart.feldkamp(operators: cones, measurements: measurements,
                                              totalViews: cones.reduce(0) { $0 + $1.geometry.views.count })
        }
        guard let first = geometries.first else {
            throw DatasetError("\(name): filtered back-projection needs a 2-D parallel-beam or 3-D cone-beam problem")
        }
        let scan = try ParallelBeamGeometry(size: first.size, anglesDegrees: geometries.flatMap(\.anglesDegrees),
                                            circle: first.circle)
        return try FilteredBackProjection(projector: ParallelBeam2D(geometry: scan))
            .reconstruct(Tensor.concatenate(measurements, axis: 2))
    }
}

extension Tomography2D {
    /// The part of the filtered back-projection of all the data that the listed operators'
    /// measurements make: `Σ_k (A_k/A)·FBP_k(y_k)` over them, where FBP_k uses operator k's angles.
    /// Summed over every operator (for instance by an all-reduce across processes that each hold
    /// some), it is the FBP of the whole scan up to rounding, since the ramp filter acts on each
    /// projection alone. Summed in double (`DoubleSum`), so that the rounded total does not
    /// depend on how the operators are grouped.
    public func filteredBackProjection(operators: [Int], measurements: [Tensor]) throws -> DoubleSum {
        guard operators.count == measurements.count else {
            throw DatasetError("partial fbp: \(operators.count) operators but \(measurements.count) measurements")
        }
        var sum = DoubleSum(shape: [1, 1, imgSize, imgSize])
        for (index, y) in zip(operators, measurements) {
            let geometry = try geometry(operator: index)
            var part = try FilteredBackProjection(projector: ParallelBeam2D(geometry: geometry)).reconstruct(y)
            part.scale(by: Float(Double(geometry.anglesDegrees.count) / Double(numAngles)))
            sum.add(part)
        }
        return sum
    }
}
