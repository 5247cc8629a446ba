import Tensor

/// FDK (Feldkamp–Davis–Kress) reconstruction for `ConeBeam3D` (and its parallel-beam case):
/// weight each cell by the cosine of its ray against the detector normal (1 for parallel rays),
/// ramp-filter every detector row along the columns (`RampFilter`), back-project with the
/// operator's adjoint, and scale by `π/(2·V) · |v|·sod/sdd / voxel volume` per view (V views;
/// `RampFilter` is twice the unit Ram–Lak filter; sod and sdd are the source's distances to the
/// volume centre and to the detector plane, 1 and 1 for parallel rays).
///
/// The scale makes the adjoint of our ray-driven projector an FDK back-projection: per view it
/// deposits `voxel volume · sdd² / (|u|·|v|·L²)` times the cell's value at a voxel at depth L,
/// which is FDK's `sod²/L²` weight up to the factors above. It assumes views spread evenly over a
/// full circle (or over half a circle for parallel rays); short scans would need Parker weights.
public struct FeldkampReconstruction: Sendable {
    public let projector: ConeBeam3D
    private let filter: RampFilter
    /// Weight of every (detector row, view, detector column) cell, in the projection layout.
    private let weights: [Float]

    public init(projector: ConeBeam3D) {
        self.projector = projector
        let geometry = projector.geometry, volume = geometry.volume
        let (rows, columns, views) = (geometry.detectorRows, geometry.detectorColumns, geometry.views.count)
        filter = RampFilter(detectors: columns)
        let voxelVolume = volume.voxelSize.x * volume.voxelSize.y * volume.voxelSize.z
        var weights = [Float](repeating: 0, count: rows * views * columns)
        for (index, view) in geometry.views.enumerated() {
            let normal = cross(view.u, view.v) / (cross(view.u, view.v) * cross(view.u, view.v)).sum().squareRoot()
            let rowLength = (view.v * view.v).sum().squareRoot()
            let toDetector = abs(((view.detectorCentre - view.source) * normal).sum())
            let toCentre = abs(((volume.centre - view.source) * normal).sum())
            let scale = geometry.beam == .cone ? rowLength * toCentre / toDetector : rowLength
            let common = Double.pi / (2 * Double(views)) * scale / voxelVolume
            for row in 0..<rows {
                for column in 0..<columns {
                    var cosine = 1.0
                    if geometry.beam == .cone {
                        let ray = geometry.cellCentre(view, row: row, column: column) - view.source
                        cosine = toDetector / (ray * ray).sum().squareRoot()
                    }
                    weights[(row * views + index) * columns + column] = Float(common * cosine)
                }
            }
        }
        self.weights = weights
    }

    /// The reconstruction `[B, C, D, H, W]` of projections `[B, C, R, V, U]`.
    public func reconstruct(_ projections: Tensor) throws -> Tensor {
        let expected = projector.rangeShape(batch: projections.shape.first ?? 1, channels: projections.rank > 1 ? projections.shape[1] : 1)
        guard projections.shape == expected else {
            throw PhysicsError("fdk: expected projections \(expected) ([B, C, rows, views, columns]), got \(projections.shape)")
        }
        var filtered = projections
        let perItem = weights.count
        filtered.withUnsafeMutableBufferPointer { data in
            for start in stride(from: 0, to: data.count, by: perItem) {
                for index in 0..<perItem { data[start + index] *= weights[index] }
            }
            filter.apply(rows: data.count / projector.geometry.detectorColumns, data: data.baseAddress!)
        }
        return try projector.adjoint(filtered)
    }
}
