import Physics
import Tensor

/// The reference's `tomography_3d` dataset: a cone-beam (or parallel-beam) scan of a volume,
/// `num_projections` views picked from the full scan with `linspace(0, total−1, n)` indices and
/// split into `num_operators` contiguous blocks (the first `n mod k` one view longer).
///
/// Source of the volume and scan: the real walnut when the data folder (`dataDirectory`, else
/// `$INVSCALE_DATA`) holds it (see `DataFolder`): the ground truth's shape in voxels of 0.1 mm
/// centred at the origin, the scan's own `cone_vec` views (cone beam only), measurements from the
/// scan's projections with `use_dataset_sinogram`, else `A x`; `img_size` is then unused.
///
/// Otherwise the built-in synthetic default, a 3-D Shepp–Logan-type phantom
/// (`EllipsoidPhantom.sheppLogan3D`) of `img_size³` voxels, or the middle D slices of the N³ volume
/// for `img_size` `[D, N, N]`, on a walnut-like circular orbit of 1200 views over 360° (the
/// walnut's distances and physical size, the detector's 972×768 cells scaled by N/501). With
/// `use_dataset_sinogram` the measurements are the phantom's exact line integrals over the volume
/// (not produced by the model, like measured data); otherwise they are `A x` of the voxelised
/// phantom.
public struct Tomography3D: Sendable, Equatable {
    public static let name = "tomography_3d"
    /// Views of the full synthetic scan.
    public static let fullScanViews = 1200

    /// The synthetic volume `[D, N, N]`.
    public let volumeShape: [Int]
    public let numOperators: Int
    public let numProjections: Int
    public let geometryType: ConeBeamGeometry.Beam
    public let useDatasetSinogram: Bool
    /// The data folder: the one given, else `$INVSCALE_DATA` when set (read once, here).
    public let dataDirectory: String?

    /// `imgSize`: the synthetic volume's side N (N³ voxels) or `[D, N, N]` (the middle D slices).
    public init(imgSize: [Int] = [256], numOperators: Int = 1, numProjections: Int = 50, geometryType: ConeBeamGeometry.Beam = .cone,
                useDatasetSinogram: Bool = true, dataDirectory: String? = nil) throws {
        let shape = imgSize.count == 1 ? Array(repeating: imgSize[0], count: 3) : imgSize
        guard shape.count == 3, shape[1] == shape[2], shape.allSatisfy({ $0 >= 8 }), shape[0] <= shape[1] else {
            throw DatasetError("img_size: expected N or [D, N, N] with 8 ≤ D ≤ N, got \(imgSize)")
        }
        guard (1...Self.fullScanViews).contains(numProjections) else {
            throw DatasetError("num_projections: expected 1…\(Self.fullScanViews) (views of the full scan), got \(numProjections)")
        }
        _ = try OperatorStack.blocks(count: numProjections, parts: numOperators)
        (volumeShape, self.numOperators, self.numProjections, self.geometryType, self.useDatasetSinogram) =
            (shape, numOperators, numProjections, geometryType, useDatasetSinogram)
        self.dataDirectory = DataFolder.resolve(dataDirectory)
    }

    /// The walnut source in the data folder, or nil for the synthetic default.
    public var walnut: DataFolder.Walnut? { dataDirectory.flatMap(DataFolder.walnut(in:)) }

    /// Where the volume and scan come from, in words; for the synthetic default, also why and how
    /// to get the real data.
    public var source: String {
        switch walnut {
        case .packed(let path): return "walnut scan \(path)"
        case .cwi(let folder): return "CWI walnut scan \(folder) (orbit \(WalnutCWI.orbit))"
        case nil:
            let reason = dataDirectory.map { "\($0) holds neither \(WalnutPT.fileName) nor a CWI walnut folder" }
                ?? "no data folder (--data-dir or \(DataFolder.environmentVariable))"
            return "synthetic 3-D Shepp–Logan phantom: \(reason); `invscale data fetch walnut` tells how to get the real data"
        }
    }

    /// The indices of the chosen views in the full scan: `linspace(0, total − 1, n)` truncated to
    /// integers, as `torch.linspace(…, dtype=long)` gives them.
    public static func viewIndices(total: Int, count: Int) -> [Int] {
        guard count > 1 else { return [0] }
        return (0..<count).map { Int(Double($0) * Double(total - 1) / Double(count - 1)) }
    }

    /// A lower bound of the bytes `makeProblem()` holds for the synthetic phantom
    /// (`ScanMemory.volumeScan`), nil when the size overflows.
    public var syntheticMemoryEstimate: Int? {
        guard let detector = syntheticDetector else { return nil }
        return ScanMemory.volumeScan(volume: volumeShape, views: numProjections, rows: detector.rows, columns: detector.columns)
    }

    /// The synthetic scan's detector: the walnut's, scaled by the volume side over the walnut's
    /// (at least one cell each way); nil when the side is too large to count cells.
    private var syntheticDetector: (rows: Int, columns: Int)? {
        func scaled(_ cells: Int) -> Int? {
            let value = (Double(cells) * Double(volumeShape[1]) / Double(ConeBeamGeometry.Walnut.volumeSide)).rounded()
            return value < 1e15 ? max(1, Int(value)) : nil
        }
        guard let rows = scaled(ConeBeamGeometry.Walnut.detectorRows),
              let columns = scaled(ConeBeamGeometry.Walnut.detectorColumns) else { return nil }
        return (rows, columns)
    }

    /// Throws a `MemoryLimitError` naming the parameters when the synthetic problem does not fit in
    /// `budget` (default: `MemoryBudget.current()`).
    public func requireSyntheticMemory(budget: MemoryBudget? = nil) throws {
        try (budget ?? MemoryBudget.current()).require(
            bytes: syntheticMemoryEstimate,
            for: "\(Self.name) img_size \(volumeShape.map(String.init).joined(separator: "×")), num_projections \(numProjections)")
    }

    /// The chosen views of the scan.
    public func geometry() throws -> ConeBeamGeometry {
        if let walnut { return try walnutGeometry(walnut.open()) }
        let indices = Self.viewIndices(total: Self.fullScanViews, count: numProjections)
        let angles = indices.map { 360 * Double($0) / Double(Self.fullScanViews) }
        let side = volumeShape[1]
        guard let (rows, columns) = syntheticDetector else {
            throw DatasetError("\(Self.name): img_size \(side) is too large for a detector")
        }
        let cone = try ConeBeamGeometry.walnutLike(volumeSide: side, depth: volumeShape[0], detectorRows: rows, detectorColumns: columns,
                                                   anglesDegrees: angles)
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

    /// The whole problem: the phantom `[1, 1, D, N, N]`, one `ConeBeam3D` per block of views and
    /// its projections `[1, 1, R, V_k, U]`.
    public func makeProblem() throws -> Problem {
        if let walnut { return try walnutProblem(walnut.open()) }
        try requireSyntheticMemory()
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

extension Tomography3D {
    /// The chosen views of a walnut scan, around its reference volume (voxels of 0.1 mm, centred
    /// at the origin).
    func walnutGeometry(_ scan: any WalnutScan) throws -> ConeBeamGeometry {
        guard geometryType == .cone else {
            throw DatasetError("geometry_type: \(scan.description) is a cone-beam scan; parallel3d is only for the synthetic phantom")
        }
        let total = scan.views.count
        guard numProjections <= total else {
            throw DatasetError("num_projections: expected 1…\(total) (views of \(scan.description)), got \(numProjections)")
        }
        let shape = scan.volumeShape
        let volume = try VolumeGeometry(depth: shape[0], height: shape[1], width: shape[2],
                                        voxelSize: SIMD3(repeating: ConeBeamGeometry.Walnut.voxelSize))
        return try ConeBeamGeometry(beam: .cone, volume: volume, detectorRows: scan.detectorRows, detectorColumns: scan.detectorColumns,
                                    views: Self.viewIndices(total: total, count: numProjections).map { scan.views[$0] })
    }

    /// The problem on a walnut scan: its reference volume `[1, 1, D, H, W]`, one `ConeBeam3D`
    /// per block of views and, per block, the scan's projections or `A x` as `[1, 1, R, V_k, U]`.
    func walnutProblem(_ scan: any WalnutScan) throws -> Problem {
        let geometry = try walnutGeometry(scan)
        let truth = try scan.groundTruth().reshaped([1, 1] + scan.volumeShape)
        let operators = try viewBlocks.map { ConeBeam3D(geometry: try geometry.restricted(to: $0)) }
        let measurements: [Tensor]
        if useDatasetSinogram {
            let picked = try scan.projections(Self.viewIndices(total: scan.views.count, count: numProjections))
            measurements = viewBlocks.map { Self.rowsViewsColumns(picked, views: $0) }
        } else {
            measurements = try operators.map { try $0.apply(truth) }
        }
        let low = truth.min() ?? 0, high = truth.max() ?? 1
        return try Problem(name: Self.name, groundTruth: truth, operators: OperatorStack(operators), measurements: measurements,
                           valueRange: low...max(high, low + 1e-6))
    }

    /// The views `range` of projections `[V, R, U]` as `[1, 1, R, V_k, U]`.
    static func rowsViewsColumns(_ projections: Tensor, views range: Range<Int>) -> Tensor {
        let (rows, columns) = (projections.shape[1], projections.shape[2])
        return projections.withUnsafeBufferPointer { source in
            Tensor(shape: [1, 1, rows, range.count, columns]) { target in
                for row in 0..<rows {
                    for (position, view) in range.enumerated() {
                        let from = (view * rows + row) * columns, to = (row * range.count + position) * columns
                        target.baseAddress!.advanced(by: to).update(from: source.baseAddress!.advanced(by: from), count: columns)
                    }
                }
            }
        }
    }
}
