import Physics
import Tensor

extension Problem {
    /// Filtered back-projection of all the measurements together (2-D parallel-beam problems):
    /// the operators' angle blocks are joined back into one scan.
    public func filteredBackProjection() throws -> Tensor {
        guard let first = geometries.first else {
            throw TensorError.invalidArgument("\(name): filtered back-projection needs a 2-D parallel-beam problem")
        }
        let scan = try ParallelBeamGeometry(size: first.size, anglesDegrees: geometries.flatMap(\.anglesDegrees),
                                            circle: first.circle)
        return try FilteredBackProjection(projector: ParallelBeam2D(geometry: scan))
            .reconstruct(Tensor.concatenate(measurements, axis: 2))
    }
}
