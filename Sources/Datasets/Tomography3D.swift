import Physics
import Tensor

/// The reference's `tomography_3d` dataset: a cone-beam (or parallel-beam) scan of a volume,
/// `num_projections` views picked from the full scan with `linspace(0, total−1, n)` indices and
/// split into `num_operators` contiguous blocks (the first `n mod k` one view longer).
///
/// Source of the volume and scan: the built-in synthetic default, a 3-D Shepp–Logan-type phantom
/// (`EllipsoidPhantom.sheppLogan3D`) of `img_size³` voxels on a walnut-like circular orbit of
/// 1200 views over 360° (the walnut's distances and physical size, the detector's 972×768 cells
/// scaled by N/501). With `use_dataset_sinogram` the measurements are the phantom's exact line
/// integrals (not produced by the model, like measured data); otherwise they are `A x` of the
/// voxelised phantom. Reading the walnut files is for a later step.
public struct Tomography3D: Sendable, Equatable {
    public static let name = "tomography_3d"
    /// Views of the full synthetic scan.
    public static let fullScanViews = 1200

    public let imgSize: Int
    public let numOperators: Int
    public let numProjections: Int
    public let geometryType: ConeBeamGeometry.Beam
    public let useDatasetSinogram: Bool

    public init(imgSize: Int = 256, numOperators: Int = 1, numProjections: Int = 50, geometryType: ConeBeamGeometry.Beam = .cone,
                useDatasetSinogram: Bool = true) throws {
        guard imgSize >= 8 else { throw TensorError.invalidArgument("img_size: expected an integer ≥ 8, got \(imgSize)") }
        guard (1...Self.fullScanViews).contains(numProjections) else {
            throw TensorError.invalidArgument("num_projections: expected 1…\(Self.fullScanViews) (views of the full scan), got \(numProjections)")
        }
        _ = try OperatorStack.blocks(count: numProjections, parts: numOperators)
        (self.imgSize, self.numOperators, self.numProjections, self.geometryType, self.useDatasetSinogram) =
            (imgSize, numOperators, numProjections, geometryType, useDatasetSinogram)
    }

    /// The indices of the chosen views in the full scan: `linspace(0, total − 1, n)` truncated to
    /// integers, as `torch.linspace(…, dtype=long)` gives them.
    public static func viewIndices(total: Int, count: Int) -> [Int] {
        guard count > 1 else { return [0] }
        return (0..<count).map { Int(Double($0) * Double(total - 1) / Double(count - 1)) }
    }

    /// The chosen views of the synthetic scan.
    public func geometry() throws -> ConeBeamGeometry {
        let indices = Self.viewIndices(total: Self.fullScanViews, count: numProjections)
        let angles = indices.map { 360 * Double($0) / Double(Self.fullScanViews) }
        let rows = max(1, Int((Double(ConeBeamGeometry.Walnut.detectorRows * imgSize) / Double(ConeBeamGeometry.Walnut.volumeSide)).rounded()))
        let columns = max(1, Int((Double(ConeBeamGeometry.Walnut.detectorColumns * imgSize) / Double(ConeBeamGeometry.Walnut.volumeSide)).rounded()))
        let cone = try ConeBeamGeometry.walnutLike(volumeSide: imgSize, detectorRows: rows, detectorColumns: columns, anglesDegrees: angles)
        guard geometryType == .parallel else { return cone }
        // Parallel rays with the same detector seen at the rotation axis (cells divided by the
        // cone's magnification), so both geometries cover the same field of view.
        let magnification = ConeBeamGeometry.Walnut.sourceToDetector / ConeBeamGeometry.Walnut.sourceToAxis
        let pitch = (cone.views[0].u * cone.views[0].u).sum().squareRoot() / magnification
        return try .circularParallel(volume: cone.volume, detectorRows: rows, detectorColumns: columns,
                                     pixelPitch: (pitch, pitch), anglesDegrees: angles)
    }

    /// The contiguous blocks of views, one per operator.
    public var viewBlocks: [Range<Int>] { (try? OperatorStack.blocks(count: numProjections, parts: numOperators)) ?? [] }

    /// The whole problem: the phantom `[1, 1, N, N, N]`, one `ConeBeam3D` per block of views and
    /// its projections `[1, 1, R, V_k, U]`.
    public func makeProblem() throws -> Problem {
        let scan = try geometry()
        let phantom = EllipsoidPhantom.sheppLogan3D
        let truth = phantom.voxelise(scan.volume)
        let operators = try viewBlocks.map { ConeBeam3D(geometry: try scan.restricted(to: $0)) }
        let measurements = try operators.map { op in
            useDatasetSinogram ? phantom.analyticProjections(op.geometry) : try op.apply(truth)
        }
        return try Problem(name: Self.name, groundTruth: truth, operators: OperatorStack(operators), measurements: measurements,
                           valueRange: phantom.valueRange)
    }
}
