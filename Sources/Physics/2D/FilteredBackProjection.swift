import Tensor

/// Filtered back projection for `ParallelBeam2D`: ramp-filter every sinogram row along the
/// detector axis (`RampFilter`), back-project with the operator's adjoint and scale by
/// `π/(2·A)` for A angles, as the reference does.
public struct FilteredBackProjection: Sendable {
    /// The projector whose adjoint back-projects.
    public let projector: ParallelBeam2D
    private let filter: RampFilter

    /// FBP for `projector`'s geometry (the angles should cover [0°, 180°) evenly).
    public init(projector: ParallelBeam2D) {
        self.projector = projector
        filter = RampFilter(detectors: projector.geometry.detectorCount)
    }

    /// The reconstruction `[B, C, N, N]` from a sinogram `[B, C, A, G]`.
    public func reconstruct(_ sinogram: Tensor) throws -> Tensor {
        guard sinogram.rank == 4, sinogram.shape[2...] == projector.rangeShape(batch: 1, channels: 1)[2...] else {
            throw PhysicsError("fbp: expected a sinogram [B, C, \(projector.geometry.anglesDegrees.count), \(projector.geometry.detectorCount)], got \(sinogram.shape)")
        }
        var filtered = sinogram
        let rows = sinogram.count / projector.geometry.detectorCount
        filtered.withUnsafeMutableBufferPointer { filter.apply(rows: rows, data: $0.baseAddress!) }
        var image = try projector.adjoint(filtered)
        image.scale(by: Float(Double.pi / (2 * Double(projector.geometry.anglesDegrees.count))))
        return image
    }
}
